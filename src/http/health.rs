use crate::service::Service;
use actix_web::{web, HttpResponse};

/// `GET /healthz`: the service is up, with its corpus and rules.
pub async fn health(service: web::Data<Service>) -> HttpResponse {
    HttpResponse::Ok().json(service.health())
}
