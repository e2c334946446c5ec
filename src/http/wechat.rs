//! `GET` and `POST` on the WeChat path (`[wechat] path`, default `/wechat`).

use super::{ApiError, ErrorCode};
use crate::channels::wechat::{self, CryptError, WeChatError, WeChatQuery};
use crate::service::Service;
use actix_web::{web, HttpResponse};

/// URL verification: the `echostr` back when the signature is right.
pub async fn verify(
    service: web::Data<Service>,
    query: web::Query<WeChatQuery>,
) -> Result<HttpResponse, ApiError> {
    let echo = wechat::verify_url(&service.config().wechat, &query).map_err(refused)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(echo))
}

/// A message or event: the passive reply as XML, or "success".
pub async fn message(
    service: web::Data<Service>,
    query: web::Query<WeChatQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limit = service.config().wechat.max_body_bytes;
    let body = super::read_body(payload, limit).await?;
    let query = query.into_inner();
    let response = web::block(move || wechat::handle_message(&service, &query, &body))
        .await?
        .map_err(refused)?;
    let content_type = if response == wechat::NO_REPLY {
        "text/plain; charset=utf-8"
    } else {
        "application/xml; charset=utf-8"
    };
    Ok(HttpResponse::Ok().content_type(content_type).body(response))
}

/// The JSON error for a refused request, logged without the message or the sender.
fn refused(error: WeChatError) -> ApiError {
    let code = match &error {
        WeChatError::MissingParameter(_) => ErrorCode::MissingParameter,
        WeChatError::BadSignature => ErrorCode::BadSignature,
        WeChatError::NoKey => ErrorCode::NotConfigured,
        WeChatError::EncryptionRequired => ErrorCode::EncryptionRequired,
        WeChatError::Crypt(CryptError::WrongAppId) => ErrorCode::WrongAppId,
        WeChatError::Crypt(_) => ErrorCode::BadCiphertext,
        WeChatError::Xml(_) | WeChatError::NotUtf8 | WeChatError::UnexpectedEncryption => {
            ErrorCode::BadXml
        }
        WeChatError::Message(_) => ErrorCode::BadMessage,
        WeChatError::Service(e) => {
            tracing::error!(error = %e, "wechat message could not be answered");
            return ApiError::new(
                ErrorCode::Internal,
                "the service could not answer; please try again",
            );
        }
        WeChatError::Store(_) | WeChatError::EarlierFailed => {
            tracing::error!(error = %error, "wechat message could not be answered");
            return ApiError::new(
                ErrorCode::Internal,
                "the service could not answer; please try again",
            );
        }
    };
    // Error texts name parameters, elements and checks, never content or the sender.
    tracing::warn!(code = code.code(), error = %error, "wechat request refused");
    ApiError::new(code, error.to_string())
}
