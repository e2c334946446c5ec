use super::ApiError;
use crate::api::TriageRequest;
use crate::service::Service;
use actix_web::{web, HttpResponse};

/// `POST /api/triage {text}` → `{triage}`.
pub async fn triage(
    service: web::Data<Service>,
    request: web::Json<TriageRequest>,
) -> Result<HttpResponse, ApiError> {
    let text = request.into_inner().text;
    let reply = web::block(move || service.triage(&text)).await??;
    Ok(HttpResponse::Ok().json(reply))
}
