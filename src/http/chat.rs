use super::ApiError;
use crate::api::ChatRequest;
use crate::service::Service;
use actix_web::{web, HttpResponse};

/// `POST /api/chat {session?, text}` → the reply, the answer cards and the triage.
pub async fn chat(
    service: web::Data<Service>,
    request: web::Json<ChatRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChatRequest { session, text } = request.into_inner();
    // Segmenting, searching and the rules are CPU work: off the async workers.
    let reply = web::block(move || service.chat(session.as_deref(), &text)).await??;
    Ok(HttpResponse::Ok().json(reply))
}
