//! `POST /api/bridge/{channel}`: a message relayed by a bot framework, signed with the
//! channel's secret; the reply is what `/api/chat` returns.

use super::{ApiError, ErrorCode};
use crate::channels::bridge::{self, BridgeError, BridgeRequest};
use crate::service::Service;
use actix_web::{web, HttpRequest, HttpResponse};

pub async fn relay(
    service: web::Data<Service>,
    channel: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let channel = channel.into_inner();
    let settings = &service.config().bridge;
    let secret = settings
        .channel(&channel)
        .ok_or_else(|| refused(BridgeError::UnknownChannel(channel.clone())))?
        .secret
        .clone();
    let is_json = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send JSON with content-type: application/json",
        ));
    }
    let body = super::read_body(payload, service.config().max_body_bytes).await?;
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    bridge::verify(
        &secret,
        header(bridge::TIMESTAMP_HEADER).as_deref(),
        header(bridge::SIGNATURE_HEADER).as_deref(),
        &body,
        settings.max_clock_skew_secs,
        service.now(),
        &service.channels().bridge_replays,
    )
    .map_err(refused)?;
    let message: BridgeRequest = serde_json::from_slice(&body).map_err(|e| {
        if e.is_data() {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("the request does not fit: {e}"),
            )
        } else {
            ApiError::new(
                ErrorCode::BadJson,
                format!("the body is not valid JSON: {e}"),
            )
        }
    })?;
    message
        .check_ids()
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e))?;
    let user = message.user(&channel);
    let reply = web::block(move || service.chat_as(&user, &message.text)).await??;
    Ok(HttpResponse::Ok().json(reply))
}

fn refused(error: BridgeError) -> ApiError {
    let code = match error {
        BridgeError::UnknownChannel(_) => ErrorCode::UnknownChannel,
        BridgeError::MissingHeader(_) => ErrorCode::MissingParameter,
        BridgeError::BadTimestamp | BridgeError::MalformedSignature => ErrorCode::InvalidRequest,
        BridgeError::Stale(_) => ErrorCode::StaleTimestamp,
        BridgeError::BadSignature => ErrorCode::BadSignature,
        BridgeError::Replayed => ErrorCode::Replayed,
    };
    tracing::warn!(code = code.code(), error = %error, "bridge request refused");
    ApiError::new(code, error.to_string())
}
