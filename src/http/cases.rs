use super::{ApiError, ErrorCode};
use crate::service::Service;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct CaseQuery {
    token: String,
}

/// `GET /api/cases/{id}?token=…`: the case's status and history for the resident who
/// holds its token. A wrong token and an unknown id get the same 404.
pub async fn show(
    service: web::Data<Service>,
    id: web::Path<String>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let token = query.into_inner().token;
    let found = web::block(move || service.case_status(&id, &token)).await??;
    match found {
        Some(case) => Ok(HttpResponse::Ok().json(case)),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            "no case with this number and token",
        )),
    }
}
