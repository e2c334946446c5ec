//! Cross-origin calls to the API, for the widget embedded on other sites. The allowed
//! origins come from `[http] cors_origins`; the browser enforces the answer, so a request
//! from any other origin is still served, only without the headers that would let a
//! page on that origin read it. A refused preflight gets the API's JSON error.

use super::{ApiError, ErrorCode};
use actix_cors::{Cors, CorsError};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, Method, Uri};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::ResponseError;

/// The origin that lets any site call the API.
pub const ANY_ORIGIN: &str = "*";

/// How long a browser may keep a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: usize = 3600;

/// The CORS middleware for the API. Only GET and POST with a JSON body; no credentials
/// (the API keeps no cookies: a session travels in the request body).
pub fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST])
        .allowed_header(header::CONTENT_TYPE)
        .max_age(PREFLIGHT_MAX_AGE);
    if origins.iter().any(|o| o == ANY_ORIGIN) {
        return cors.allow_any_origin().send_wildcard();
    }
    origins
        .iter()
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// Checks the configured origins, so that a mistake stops the start with a clear message
/// (an origin with a path or a trailing slash would silently match nothing).
pub fn check_origins(origins: &[String]) -> Result<(), String> {
    let bad: Vec<&str> = origins
        .iter()
        .map(String::as_str)
        .filter(|o| *o != ANY_ORIGIN && !is_origin(o))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "http.cors_origins: {} — each must be \"*\" or scheme://host[:port] without a path, e.g. \"https://www.example.gov.cn\"",
            bad.join(", ")
        ))
    }
}

fn is_origin(text: &str) -> bool {
    let Ok(uri) = text.parse::<Uri>() else {
        return false;
    };
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme @ ("http" | "https")), Some(authority)) => {
            text == format!("{scheme}://{authority}") && !authority.as_str().contains('@')
        }
        _ => false,
    }
}

/// Turns the CORS middleware's own refusals (plain text) into the API's JSON errors.
pub fn json_errors<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler_client(|res: ServiceResponse<B>| {
        let refusal = res
            .response()
            .error()
            .and_then(|e| e.as_error::<CorsError>())
            .map(ToString::to_string);
        let Some(refusal) = refusal else {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        };
        let (request, _) = res.into_parts();
        let response = ApiError::new(
            ErrorCode::CorsRefused,
            format!("cross-origin request refused: {refusal}"),
        )
        .error_response();
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(request, response).map_into_right_body(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        let ok = ["*", "https://www.example.gov.cn", "http://127.0.0.1:8000"];
        assert!(check_origins(&ok.map(String::from)).is_ok());
        for bad in [
            "https://www.example.gov.cn/",
            "https://www.example.gov.cn/page",
            "www.example.gov.cn",
            "ftp://example.gov.cn",
            "https://user@example.gov.cn",
            "",
        ] {
            let err = check_origins(&[bad.to_string()]).unwrap_err();
            assert!(err.contains("cors_origins"), "{bad:?}: {err}");
        }
    }
}
