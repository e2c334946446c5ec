//! Every error the API returns: a stable `code`, declared once with its status, rendered
//! as `{"message", "code", "type"}`.

use crate::service::{InputError, ServiceError};
use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

macro_rules! error_codes {
    ($($variant:ident => ($status:ident, $code:literal)),+ $(,)?) => {
        /// The stable error codes of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status),+ }
            }
        }
    };
}

error_codes! {
    BadJson => (BAD_REQUEST, "bad_json"),
    InvalidRequest => (UNPROCESSABLE_ENTITY, "invalid_request"),
    UnsupportedMediaType => (UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    PayloadTooLarge => (PAYLOAD_TOO_LARGE, "payload_too_large"),
    EmptyText => (UNPROCESSABLE_ENTITY, "empty_text"),
    TextTooLong => (UNPROCESSABLE_ENTITY, "text_too_long"),
    BadSession => (BAD_REQUEST, "bad_session"),
    BadQuery => (BAD_REQUEST, "bad_query"),
    BadLimit => (BAD_REQUEST, "bad_limit"),
    NotFound => (NOT_FOUND, "not_found"),
    MissingParameter => (BAD_REQUEST, "missing_parameter"),
    BadSignature => (FORBIDDEN, "bad_signature"),
    StaleTimestamp => (UNAUTHORIZED, "stale_timestamp"),
    Replayed => (CONFLICT, "replayed"),
    UnknownChannel => (NOT_FOUND, "unknown_channel"),
    BadXml => (BAD_REQUEST, "bad_xml"),
    BadMessage => (BAD_REQUEST, "bad_message"),
    BadCiphertext => (BAD_REQUEST, "bad_ciphertext"),
    WrongAppId => (FORBIDDEN, "wrong_app_id"),
    NotConfigured => (BAD_REQUEST, "not_configured"),
    EncryptionRequired => (BAD_REQUEST, "encryption_required"),
    MethodNotAllowed => (METHOD_NOT_ALLOWED, "method_not_allowed"),
    CorsRefused => (FORBIDDEN, "cors_refused"),
    Internal => (INTERNAL_SERVER_ERROR, "internal"),
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    code: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let kind = if self.code.status().is_server_error() {
            "internal"
        } else {
            "invalid_request"
        };
        HttpResponse::build(self.status_code()).json(ErrorBody {
            message: &self.message,
            code: self.code.code(),
            kind,
        })
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> ApiError {
        match error {
            ServiceError::Input(input) => {
                let code = match input {
                    InputError::Empty => ErrorCode::EmptyText,
                    InputError::TooLong { .. } => ErrorCode::TextTooLong,
                    InputError::BadSession => ErrorCode::BadSession,
                    InputError::BadLimit => ErrorCode::BadLimit,
                };
                ApiError::new(code, input.to_string())
            }
            ServiceError::Case(crate::cases::CaseError::NotFound(id)) => {
                ApiError::new(ErrorCode::NotFound, format!("no case {id}"))
            }
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::new(
                    ErrorCode::Internal,
                    "the service could not answer; please try again",
                )
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> ApiError {
        tracing::error!("a blocking task failed");
        ApiError::new(
            ErrorCode::Internal,
            "the service could not answer; please try again",
        )
    }
}

/// Maps actix's JSON extractor errors to API errors.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _req| {
            let api = match &error {
                JsonPayloadError::Overflow { limit }
                | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("the request body is larger than {limit} bytes"),
                ),
                JsonPayloadError::ContentType => ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send JSON with content-type: application/json",
                ),
                JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!("the request does not fit: {e}"),
                ),
                JsonPayloadError::Deserialize(e) => ApiError::new(
                    ErrorCode::BadJson,
                    format!("the body is not valid JSON: {e}"),
                ),
                other => ApiError::new(
                    ErrorCode::BadJson,
                    format!("the body cannot be read: {other}"),
                ),
            };
            api.into()
        })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req| {
        ApiError::new(
            ErrorCode::BadQuery,
            format!("bad query parameters: {error}"),
        )
        .into()
    })
}

pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        ErrorCode::NotFound,
        format!("no such route: {}", req.path()),
    )
    .error_response()
}

pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    )
    .error_response()
}
