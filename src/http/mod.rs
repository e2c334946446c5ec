//! The HTTP layer (actix-web): one routing table, one file per resource, every error
//! rendered as the same JSON shape. The only module besides `cli` that knows actix.

mod answers;
mod bridge;
mod cases;
mod chat;
mod cors;
mod error;
mod headers;
mod health;
mod search;
mod triage;
mod wechat;

pub use cors::check_origins;
pub use error::{ApiError, ErrorCode};

use crate::service::Service;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, App, HttpServer};

/// Builds the app, for the server and for tests alike.
pub fn create_app(
    service: web::Data<Service>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = service.config().clone();
    App::new()
        .app_data(service)
        .app_data(error::json_config(config.max_body_bytes))
        .app_data(error::query_config())
        .app_data(web::PayloadConfig::new(config.max_body_bytes))
        .wrap(headers::security_headers())
        .wrap(middleware::from_fn(headers::utf8_text))
        // The path only: query strings may carry what a resident typed.
        .wrap(
            middleware::Logger::new("%s %{path}xi %Dms")
                .custom_request_replace("path", |req| req.path().to_string()),
        )
        .service(
            web::scope("/api")
                .wrap(cors::cors(&config.http.cors_origins))
                .wrap(cors::json_errors())
                .wrap(headers::api_headers())
                .service(resource("/chat", web::post().to(chat::chat)))
                .service(resource("/triage", web::post().to(triage::triage)))
                .service(resource("/search", web::get().to(search::search)))
                .service(resource("/cases/{id}", web::get().to(cases::show)))
                .service(resource("/bridge/{channel}", web::post().to(bridge::relay)))
                .default_service(web::to(error::not_found)),
        )
        .service(resource("/healthz", web::get().to(health::health)))
        .service(resource("/answers/{id}", web::get().to(answers::show)))
        .configure(|routes| {
            if config.wechat.enabled() {
                routes.service(
                    web::resource(config.wechat.path.as_str())
                        .route(web::get().to(wechat::verify))
                        .route(web::post().to(wechat::message))
                        .default_service(web::to(error::method_not_allowed)),
                );
            }
        })
        .service(
            actix_files::Files::new("/", &config.web_dir)
                .index_file("index.html")
                .default_handler(web::to(error::not_found)),
        )
        .default_service(web::to(error::not_found))
}

/// Reads a raw body of at most `limit` bytes; a larger one is a JSON 413.
async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(e)) => Err(ApiError::new(
            ErrorCode::BadJson,
            format!("the body cannot be read: {e}"),
        )),
        Err(_) => Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than {limit} bytes"),
        )),
    }
}

/// A resource whose other methods get a JSON 405.
fn resource(path: &str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(web::to(error::method_not_allowed))
}

/// Runs the HTTP server until it is stopped (Ctrl-C or SIGTERM), then flushes the store.
pub async fn serve(service: Service) -> std::io::Result<()> {
    let config = service.config().clone();
    check_origins(&config.http.cors_origins).map_err(std::io::Error::other)?;
    let data = web::Data::new(service);
    let app_data = data.clone();
    let mut server = HttpServer::new(move || create_app(app_data.clone()));
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    tracing::info!(listen = %config.listen, "listening");
    let upkeep = spawn_upkeep(data.clone(), config.cases.check_every_secs);
    server.bind(&config.listen)?.run().await?;
    upkeep.stop();
    if let Err(e) = data.store().flush() {
        tracing::error!(error = %e, "could not flush the store on shutdown");
    }
    Ok(())
}

/// The background upkeep of a running server: reloads rules and directory when their
/// files change, and moves overdue cases up the ladder.
struct Upkeep {
    stop: std::sync::mpsc::Sender<()>,
}

impl Upkeep {
    fn stop(self) {
        let _ = self.stop.send(());
    }
}

/// How often the upkeep looks at the rule and directory files.
const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

fn spawn_upkeep(service: web::Data<Service>, escalate_every_secs: u64) -> Upkeep {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let escalate_every = std::time::Duration::from_secs(escalate_every_secs.max(1));
    std::thread::spawn(move || {
        let mut last_escalation = std::time::Instant::now();
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            stopped.recv_timeout(RELOAD_EVERY)
        {
            service.reload_changed();
            if last_escalation.elapsed() >= escalate_every {
                last_escalation = std::time::Instant::now();
                if let Err(e) = service.escalate_overdue() {
                    tracing::error!(error = %e, "escalation check failed");
                }
            }
        }
    });
    Upkeep { stop }
}
