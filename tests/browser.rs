//! The widget in a real browser: headless Chromium, driven through chromedriver, on the
//! demo page served by the real server binary, and embedded on a page of another site.
//! Needs the Debian packages chromium and chromium-driver (`scripts/test` installs them).

mod browser_support;

use browser_support::{Browser, Driver, HostPage, Screen, Server};
use fantoccini::key::Key;

const PANEL: &str = ".mingbai-widget .mb-panel";
const LOG: &str = ".mingbai-widget .mb-log";
const ALERT: &str = ".mingbai-widget .mb-alert";
const INPUT: &str = ".mingbai-widget .mb-input";
const LAUNCHER: &str = ".mingbai-widget .mb-launcher";

#[actix_web::test]
async fn a_resident_asks_answers_quick_replies_meets_danger_and_keeps_the_conversation() {
    let server = Server::start(&[]);
    let driver = Driver::start();
    let browser = driver
        .browser(Screen::Desktop {
            width: 1280,
            height: 900,
        })
        .await;
    browser.goto(&format!("{}/", server.base)).await;

    // One script tag gave a styled button; it opens a labelled dialog with focus inside.
    browser
        .wait_for(
            "the chat button, styled",
            "document.querySelector('.mingbai-widget .mb-launcher') && \
             getComputedStyle(document.querySelector('.mingbai-widget .mb-launcher')).position === 'fixed'",
        )
        .await;
    let launcher = browser
        .js(
            "var b = document.querySelector('.mingbai-widget .mb-launcher'); \
             return [b.tagName, b.textContent, b.getAttribute('aria-expanded')];",
        )
        .await;
    assert_eq!(
        launcher,
        serde_json::json!(["BUTTON", "有事问一问", "false"])
    );
    browser.click(LAUNCHER).await;
    browser
        .wait_for(
            "the panel open",
            &format!("!document.querySelector('{PANEL}').hidden"),
        )
        .await;
    let panel = browser
        .js(&format!(
            "var p = document.querySelector('{PANEL}'); \
             var title = document.getElementById(p.getAttribute('aria-labelledby')); \
             var log = document.querySelector('{LOG}'); \
             return [p.getAttribute('role'), title && title.textContent, \
                     log.getAttribute('aria-live'), \
                     document.activeElement === document.querySelector('{INPUT}')];"
        ))
        .await;
    assert_eq!(
        panel,
        serde_json::json!(["dialog", "有事问一问", "polite", true]),
        "dialog role, its title, a polite live log, focus in the text box"
    );
    browser.screenshot("1-open").await;

    // A question gets an answer card with its citations, and quick replies to continue.
    browser
        .type_into(INPUT, "俺爹七十多了，几个儿都不管他，咋办？")
        .await;
    browser.click(".mingbai-widget .mb-send").await;
    browser.wait_for_replies(1).await;
    let titles = browser
        .texts(".mingbai-widget .mb-card .mb-card-title")
        .await;
    assert!(titles[0].contains("赡养"), "{titles:?}");
    let citations = browser.texts(".mingbai-widget .mb-card .mb-citation").await;
    assert!(
        citations.iter().any(|c| c == "《民法典》第1067条"),
        "{citations:?}"
    );
    browser.screenshot("2-answer").await;

    // Quick replies: the town, then its village, then no phone; the case opens.
    browser.click_button(".mb-chips", "万金镇").await;
    browser.wait_for_replies(2).await;
    assert_eq!(
        browser.texts(".mingbai-widget .mb-me p").await,
        ["俺爹七十多了，几个儿都不管他，咋办？", "万金镇"],
        "the tapped chip is said as the resident's own message"
    );
    browser.click_button(".mb-chips", "万金镇余营村").await;
    browser.wait_for_replies(3).await;
    browser.click_button(".mb-chips", "不留，匿名反映").await;
    browser.wait_for_replies(4).await;
    let case_id = browser.texts(".mingbai-widget .mb-case-id strong").await[0].clone();
    assert!(
        case_id.len() > 9 && case_id.chars().all(|c| c.is_ascii_digit() || c == '-'),
        "{case_id}"
    );
    assert_eq!(
        browser.count(".mingbai-widget .mb-chips").await,
        0,
        "nothing left to ask"
    );
    browser.click_button(".mb-case", "查办理进度").await;
    browser
        .wait_for(
            "the case status",
            "document.querySelector('.mingbai-widget .mb-status-label')",
        )
        .await;
    let status = browser.texts(".mingbai-widget .mb-status-label").await;
    assert!(
        status[0].starts_with("现在：") && status[0].len() > "现在：".len(),
        "{status:?}"
    );
    browser.screenshot("3-case").await;

    // Danger: the banner with tap-to-call numbers comes first, above the conversation.
    browser.type_into(INPUT, "他说今晚要弄死我").await;
    browser.type_into(INPUT, &Key::Enter.to_string()).await;
    browser.wait_for_replies(5).await;
    let banner = browser
        .js(&format!(
            "var a = document.querySelector('{ALERT}'); var log = document.querySelector('{LOG}'); \
             return [a.getAttribute('role'), !!a.querySelector('a[href=\"tel:110\"]'), \
                     !!(a.compareDocumentPosition(log) & Node.DOCUMENT_POSITION_FOLLOWING), \
                     a.getBoundingClientRect().bottom <= log.getBoundingClientRect().top + 1];"
        ))
        .await;
    assert_eq!(
        banner,
        serde_json::json!(["alert", true, true, true]),
        "an alert with tel:110, before and above the conversation"
    );
    browser.screenshot("4-danger").await;

    // Esc closes the panel and gives focus back to the button.
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    browser
        .wait_for(
            "the panel closed",
            &format!("document.querySelector('{PANEL}').hidden"),
        )
        .await;
    assert_eq!(
        browser
            .js(&format!(
                "return document.activeElement === document.querySelector('{LAUNCHER}');"
            ))
            .await,
        serde_json::json!(true)
    );

    // A reload keeps the conversation: the card, the case and the banner.
    browser.client.refresh().await.unwrap();
    open_widget(&browser).await;
    let kept = browser.widget_text().await;
    for shown in [
        "俺爹七十多了，几个儿都不管他，咋办？",
        "《民法典》第1067条",
        case_id.as_str(),
        "他说今晚要弄死我",
    ] {
        assert!(kept.contains(shown), "{shown} kept after reload:\n{kept}");
    }
    assert_eq!(
        browser
            .js(&format!(
                "return !document.querySelector('{ALERT}').hidden;"
            ))
            .await,
        serde_json::json!(true),
        "the emergency banner is kept"
    );

    // "新对话" forgets it all, here and after the next reload.
    browser.click(".mingbai-widget .mb-new").await;
    browser.client.refresh().await.unwrap();
    browser.click(LAUNCHER).await;
    browser
        .wait_for(
            "the panel open",
            &format!("!document.querySelector('{PANEL}').hidden"),
        )
        .await;
    assert_eq!(browser.count(".mingbai-widget .mb-me").await, 0);
    assert_eq!(
        browser
            .js(&format!("return document.querySelector('{ALERT}').hidden;"))
            .await,
        serde_json::json!(true)
    );
    browser.close().await;
}

#[actix_web::test]
async fn on_a_phone_sized_page_of_another_site_the_widget_answers_when_that_site_is_allowed() {
    let host = HostPage::bind();
    let allowed = format!("[\"http://127.0.0.1:{}\"]", host.port);
    let server = Server::start(&[("MINGBAI_HTTP__CORS_ORIGINS", &allowed)]);
    let host = host.serve(&server.base, "gbk");
    let driver = Driver::start();
    let browser = driver
        .browser(Screen::Phone {
            width: 320,
            height: 568,
        })
        .await;

    // The host page is GBK; the widget's own words still read right (it is served as UTF-8).
    browser
        .goto(&format!("http://127.0.0.1:{}/", host.port))
        .await;
    open_widget(&browser).await;
    let layout = browser
        .js(&format!(
            "var r = document.querySelector('{PANEL}').getBoundingClientRect(); \
             return [document.querySelector('.mingbai-widget .mb-title').textContent, \
                     document.querySelector('.mingbai-widget .mb-new').textContent, \
                     Math.round(r.left), Math.round(r.width) === window.innerWidth, \
                     Math.round(r.height) === window.innerHeight, \
                     document.documentElement.scrollWidth <= window.innerWidth];"
        ))
        .await;
    assert_eq!(
        layout,
        serde_json::json!(["Ask us", "新对话", 0, true, true, true]),
        "data-title, UTF-8 text, a full-screen panel, nothing wider than the phone"
    );
    browser.type_into(INPUT, "电动车被偷了咋办").await;
    browser.click(".mingbai-widget .mb-send").await;
    browser
        .wait_for(
            "an answer card",
            "document.querySelector('.mingbai-widget .mb-card')",
        )
        .await;
    browser.screenshot("5-phone-other-site").await;

    // The same page from an origin the service does not allow: the browser refuses the
    // answer, and the widget says it could not get through.
    browser
        .goto(&format!("http://localhost:{}/", host.port))
        .await;
    browser
        .wait_for(
            "the chat button",
            &format!("document.querySelector('{LAUNCHER}')"),
        )
        .await;
    browser.click(LAUNCHER).await;
    browser.type_into(INPUT, "电动车被偷了咋办").await;
    browser.click(".mingbai-widget .mb-send").await;
    browser
        .wait_for(
            "an error",
            "document.querySelector('.mingbai-widget .mb-error')",
        )
        .await;
    assert_eq!(browser.count(".mingbai-widget .mb-card").await, 0);
    let error = browser.texts(".mingbai-widget .mb-error").await;
    assert!(error[0].contains("110"), "{error:?}");
    browser.close().await;
}

/// Waits for the widget's button on the page, opens the panel and waits until it shows.
async fn open_widget(browser: &Browser) {
    browser
        .wait_for(
            "the chat button",
            &format!("document.querySelector('{LAUNCHER}')"),
        )
        .await;
    browser.click(LAUNCHER).await;
    browser
        .wait_for(
            "the panel open",
            &format!("!document.querySelector('{PANEL}').hidden"),
        )
        .await;
}
