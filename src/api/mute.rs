//! Muting a participant's call: `POST` / `DELETE /calls/{id}/mute` (API.md §5). The server
//! needs a JSON body, answers a bare 200 with nothing in it on success and a bare 400 for any
//! failure; the call's `mute_direction` says what happened.

use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::Serialize;
use uuid::Uuid;

use super::client::{Client, Credentials, retry_after};
use super::error::ApiError;

/// Whose audio is stopped, from the conference bridge's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MuteDirection {
    /// The participant's audio into the conference: the others cannot hear them.
    In,
    /// The conference's audio out to them: they cannot hear the others.
    Out,
    Both,
}

impl MuteDirection {
    /// The direction a call's `mute_direction` names (`""`: not muted).
    pub fn of_call(value: &str) -> Option<MuteDirection> {
        match value {
            "in" => Some(MuteDirection::In),
            "out" => Some(MuteDirection::Out),
            "both" => Some(MuteDirection::Both),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct Body {
    direction: MuteDirection,
}

impl Client {
    /// `POST /calls/{id}/mute`.
    pub async fn mute(&self, call: Uuid, direction: MuteDirection) -> Result<(), ApiError> {
        self.mute_request(Method::POST, "POST /calls/{id}/mute", call, direction)
            .await
    }

    /// `DELETE /calls/{id}/mute`.
    pub async fn unmute(&self, call: Uuid, direction: MuteDirection) -> Result<(), ApiError> {
        self.mute_request(Method::DELETE, "DELETE /calls/{id}/mute", call, direction)
            .await
    }

    async fn mute_request(
        &self,
        method: Method,
        endpoint: &'static str,
        call: Uuid,
        direction: MuteDirection,
    ) -> Result<(), ApiError> {
        let result = self.mute_once(method, endpoint, call, direction).await;
        self.count(endpoint, &result, 200);
        result
    }

    async fn mute_once(
        &self,
        method: Method,
        endpoint: &'static str,
        call: Uuid,
        direction: MuteDirection,
    ) -> Result<(), ApiError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::internal(endpoint, "base URL cannot take a path"))?
            .pop_if_empty()
            .extend(["calls", &call.to_string(), "mute"]);
        let mut req = self.http.request(method, url).json(&Body { direction });
        req = match &self.creds {
            Credentials::AccessKey(key) => req.query(&[("accesskey", key.expose_secret())]),
            Credentials::Token(tok) => req.bearer_auth(tok.expose_secret()),
        };
        let secret = self.creds.secret();
        let resp = req
            .send()
            .await
            .map_err(|e| ApiError::transport(endpoint, e, secret))?;
        let status = resp.status();
        let retry = retry_after(resp.headers());
        if status.is_success() {
            return Ok(());
        }
        let body = resp.bytes().await.unwrap_or_default();
        Err(ApiError::from_response(
            endpoint,
            true,
            status.as_u16(),
            retry.filter(|_| status == StatusCode::TOO_MANY_REQUESTS),
            &body,
        ))
    }
}
