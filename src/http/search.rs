use super::ApiError;
use crate::service::Service;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

const DEFAULT_LIMIT: usize = 10;

#[derive(Deserialize)]
pub struct SearchParams {
    q: String,
    limit: Option<usize>,
}

/// `GET /api/search?q=…&limit=…` → hits with snippets, for grid workers.
pub async fn search(
    service: web::Data<Service>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let SearchParams { q, limit } = params.into_inner();
    let reply = web::block(move || service.search(&q, limit.unwrap_or(DEFAULT_LIMIT))).await??;
    Ok(HttpResponse::Ok().json(reply))
}
