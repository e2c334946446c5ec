//! Security headers on every response. They protect the pages this service serves (the
//! demo page); a site that embeds the widget keeps its own. widget.js and widget.css are
//! loaded by other sites' pages, so nothing here may stop a cross-origin script load.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

/// Only this service's own scripts, styles and API: no inline script, no `eval`, no
/// plug-ins, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     manifest-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
     frame-ancestors 'none'";

/// Powerful browser features the service never uses.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), \
     gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        // Old browsers that do not know frame-ancestors.
        .add(("X-Frame-Options", "DENY"))
        // A resident's question may be in a URL: never pass it on.
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Permissions-Policy", PERMISSIONS_POLICY))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// For API answers: no other site may load them as a plain resource (a `<script>` or
/// `<img>`); pages allowed by CORS still read them with XHR or fetch.
pub fn api_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
}

/// Says UTF-8 for text files served without a charset (text/javascript has none by
/// default): widget.js runs inside pages of any encoding, many of them GBK, and without
/// it a browser reads the script in the page's encoding.
pub async fn utf8_text(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let plain = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("text/") && !v.contains("charset"))
        .map(|v| format!("{v}; charset=utf-8"));
    if let Some(value) = plain.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}
