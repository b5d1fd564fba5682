//! The HTTP client: one method per call conftop makes, each with a timeout and a typed error.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode, Url, header};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::counts::{Answer, RequestCounts};
use super::error::ApiError;
use super::model::{Call, Conference, Conferencecall, Customer, Page};

/// VoIPbin's public API.
pub const DEFAULT_API_URL: &str = "https://api.voipbin.net/v1.0";

/// The largest body conftop reads; a page of 100 records is far smaller.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// How conftop proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// Sent as the `accesskey` query parameter, as VoIPbin's own CLI does.
    AccessKey(SecretString),
    /// A JWT from `/auth/login`, sent as `Authorization: Bearer`.
    Token(SecretString),
}

impl Credentials {
    pub(super) fn secret(&self) -> &str {
        match self {
            Credentials::AccessKey(s) | Credentials::Token(s) => s.expose_secret(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AccessKey(_) => f.write_str("AccessKey([REDACTED])"),
            Credentials::Token(_) => f.write_str("Token([REDACTED])"),
        }
    }
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL including the version segment, e.g. `https://api.voipbin.net/v1.0`.
    pub base_url: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Allow plain `http://` to hosts other than loopback.
    pub allow_insecure_http: bool,
    /// Where the credential comes from, named when it is rejected; never the credential.
    pub credential_source: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: DEFAULT_API_URL.to_owned(),
            timeout: crate::defaults::TIMEOUT,
            connect_timeout: Duration::from_secs(5),
            allow_insecure_http: false,
            credential_source: None,
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientConfigError {
    #[error("the API URL {0:?} is not a valid http(s) URL")]
    InvalidUrl(String),
    #[error(
        "refusing plain http to {0}: credentials would cross the network unencrypted \
         (use https, or --allow-insecure-http if you really mean it)"
    )]
    InsecureHttp(String),
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

/// Which page of a list to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    pub page_size: Option<u32>,
    pub page_token: Option<String>,
}

impl PageRequest {
    /// The first page with the given size.
    pub fn first(page_size: u32) -> Self {
        PageRequest {
            page_size: Some(page_size),
            page_token: None,
        }
    }

    /// The page after `token`.
    pub fn after(page_size: u32, token: impl Into<String>) -> Self {
        PageRequest {
            page_size: Some(page_size),
            page_token: Some(token.into()),
        }
    }
}

/// A VoIPbin API client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) base: Url,
    pub(super) creds: Credentials,
    /// How long opening a connection (and the websocket's handshake) may take.
    pub(super) timeout: Duration,
    credential_source: Option<String>,
    /// Every request sent, by endpoint and answer (see [`Client::request_counts`]).
    pub(super) counts: Arc<RequestCounts>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.host())
            .field("creds", &self.creds)
            .finish()
    }
}

/// A URL for messages: userinfo and query replaced, so no secret is echoed.
fn redact_url(raw: &str) -> String {
    let no_query = raw.split(['?', '#']).next().unwrap_or_default();
    match no_query.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            let hidden = if rest.contains('@') {
                "[REDACTED]@"
            } else {
                ""
            };
            let q = if raw.len() > no_query.len() {
                "?[REDACTED]"
            } else {
                ""
            };
            format!("{scheme}://{hidden}{host}{q}")
        }
        None if no_query.len() < raw.len() => format!("{no_query}?[REDACTED]"),
        // Not a URL at all: echo what was typed (anything before an `@` could be a password).
        None => crate::text::sanitize(raw.rsplit_once('@').map_or(raw, |(_, h)| h), 80),
    }
}

/// Whether a URL's host is this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Client {
    pub fn new(config: &ClientConfig, creds: Credentials) -> Result<Client, ClientConfigError> {
        let raw = config.base_url.trim().trim_end_matches('/');
        // Never echo what might be a password or a key back in an error.
        let shown = || ClientConfigError::InvalidUrl(redact_url(raw));
        let base = Url::parse(raw).map_err(|_| shown())?;
        match base.scheme() {
            "https" => {}
            "http" if config.allow_insecure_http || is_loopback(&base) => {}
            "http" => {
                return Err(ClientConfigError::InsecureHttp(
                    base.host_str().unwrap_or_default().to_owned(),
                ));
            }
            _ => return Err(shown()),
        }
        // Credentials go in their own place, never in the URL.
        if base.host().is_none()
            || !base.username().is_empty()
            || base.password().is_some()
            || base.query().is_some()
            || base.fragment().is_some()
        {
            return Err(shown());
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("conftop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientConfigError::Build(e.without_url().to_string()))?;
        Ok(Client {
            http,
            base,
            creds,
            timeout: config.timeout,
            credential_source: config.credential_source.clone(),
            counts: Arc::default(),
        })
    }

    /// The requests this client and its clones have sent, by endpoint and answer: read by
    /// the metrics, never a request of its own.
    pub fn request_counts(&self) -> Arc<RequestCounts> {
        self.counts.clone()
    }

    /// Counts one request to `endpoint` by its answer (`ok`: the status of a success).
    pub(super) fn count<T>(&self, endpoint: &'static str, result: &Result<T, ApiError>, ok: u16) {
        if let Some(answer) = Answer::of(result, ok) {
            self.counts.record(endpoint, answer);
        }
    }

    /// The API host and port, for the header; never the credentials.
    pub fn host(&self) -> String {
        match (self.base.host_str(), self.base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => String::new(),
        }
    }

    /// `GET /conferencecalls`: one page of every participant the customer ever had, newest first.
    pub async fn list_conferencecalls(
        &self,
        page: &PageRequest,
    ) -> Result<Page<Conferencecall>, ApiError> {
        self.list("GET /conferencecalls", "conferencecalls", page)
            .await
    }

    /// `GET /conferencecalls/{id}`.
    pub async fn get_conferencecall(&self, id: Uuid) -> Result<Conferencecall, ApiError> {
        let path = format!("conferencecalls/{id}");
        self.one(Method::GET, "GET /conferencecalls/{id}", &path)
            .await
    }

    /// `DELETE /conferencecalls/{id}`: removes a participant; answers the record, normally
    /// `leaving`. Never retried here: a retry is the caller's decision.
    pub async fn delete_conferencecall(&self, id: Uuid) -> Result<Conferencecall, ApiError> {
        let path = format!("conferencecalls/{id}");
        self.one(Method::DELETE, "DELETE /conferencecalls/{id}", &path)
            .await
    }

    /// `GET /conferences`: one page of rooms of type `conference` that are not deleted.
    pub async fn list_conferences(&self, page: &PageRequest) -> Result<Page<Conference>, ApiError> {
        self.list("GET /conferences", "conferences", page).await
    }

    /// `GET /conferences/{id}`: any room type, deleted ones too.
    pub async fn get_conference(&self, id: Uuid) -> Result<Conference, ApiError> {
        let path = format!("conferences/{id}");
        self.one(Method::GET, "GET /conferences/{id}", &path).await
    }

    /// `GET /calls`: one page of the customer's calls, newest first.
    pub async fn list_calls(&self, page: &PageRequest) -> Result<Page<Call>, ApiError> {
        self.list("GET /calls", "calls", page).await
    }

    /// `GET /calls/{id}`.
    pub async fn get_call(&self, id: Uuid) -> Result<Call, ApiError> {
        let path = format!("calls/{id}");
        self.one(Method::GET, "GET /calls/{id}", &path).await
    }

    /// `GET /customer`: the caller's own customer.
    pub async fn get_customer(&self) -> Result<Customer, ApiError> {
        self.one(Method::GET, "GET /customer", "customer").await
    }

    async fn one<T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &'static str,
        path: &str,
    ) -> Result<T, ApiError> {
        let result =
            self.send(method, endpoint, path, true, &[])
                .await
                .and_then(|(status, body)| {
                    let record = serde_json::from_slice(&body)
                        .map_err(|e| ApiError::decode(endpoint, status, &e.to_string()));
                    record.map(|r| (status, r))
                });
        self.count(endpoint, &result, result.as_ref().map_or(0, |(s, _)| *s));
        result.map(|(_, r)| r)
    }

    async fn list<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        page: &PageRequest,
    ) -> Result<Page<T>, ApiError> {
        let mut query = Vec::new();
        if let Some(size) = page.page_size {
            query.push(("page_size", size.to_string()));
        }
        if let Some(token) = &page.page_token {
            query.push(("page_token", token.clone()));
        }
        let result = self
            .send(Method::GET, endpoint, path, false, &query)
            .await
            .and_then(|(status, body)| {
                let page = Page::from_json(&body)
                    .map_err(|e| ApiError::decode(endpoint, status, &e.to_string()));
                page.map(|p| (status, p))
            });
        self.count(endpoint, &result, result.as_ref().map_or(0, |(s, _)| *s));
        result.map(|(_, p)| p)
    }

    /// Sends one request and returns the status and body of a 2xx answer.
    async fn send(
        &self,
        method: Method,
        endpoint: &'static str,
        path: &str,
        single: bool,
        query: &[(&str, String)],
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::decode(endpoint, 0, "base URL cannot take a path"))?
            .pop_if_empty()
            .extend(path.split('/'));
        let mut req = self.http.request(method, url).query(query);
        req = match &self.creds {
            Credentials::AccessKey(key) => req.query(&[("accesskey", key.expose_secret())]),
            Credentials::Token(tok) => req.bearer_auth(tok.expose_secret()),
        };
        let secret = self.creds.secret();
        let mut resp = req
            .send()
            .await
            .map_err(|e| ApiError::transport(endpoint, e, secret))?;
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return Err(ApiError::decode(
                            endpoint,
                            status.as_u16(),
                            "response larger than 8 MiB",
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(ApiError::transport(endpoint, e, secret)),
            }
        }
        if status.is_success() {
            return Ok((status.as_u16(), body));
        }
        let mut err = ApiError::from_response(
            endpoint,
            single,
            status.as_u16(),
            retry_after.filter(|_| status == StatusCode::TOO_MANY_REQUESTS),
            &body,
        );
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            err.advice_mut().credential = self.credential_source.clone();
        }
        if status == StatusCode::NOT_FOUND
            && (!single || err.reason.as_deref() == Some("ROUTE_NOT_FOUND"))
        {
            err.advice_mut().hint = Some(self.route_hint());
        }
        Err(err)
    }

    /// Why a list route may be missing: most often a base URL without VoIPbin's `/v1.0`.
    fn route_hint(&self) -> String {
        let path = self.base.path().trim_end_matches('/');
        if path.ends_with("/v1.0") {
            format!("is the API URL {} right?", self.base_shown())
        } else {
            // A version segment of another spelling (`/v1`, `/v2`) is replaced, not kept.
            let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
            let version = last.strip_prefix('v').is_some_and(|v| {
                !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.')
            });
            let kept = if version { parent } else { path };
            let mut suggested = self.base.clone();
            suggested.set_path(&format!("{kept}/v1.0"));
            format!(
                "VoIPbin's API is under /v1.0: try --api-url {}",
                suggested.as_str().trim_end_matches('/')
            )
        }
    }

    /// The base URL as given (it never holds a credential: [`Client::new`] refuses those).
    fn base_shown(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }
}

/// `Retry-After` in seconds (the server never sends the HTTP-date form).
pub(super) fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(url: &str, insecure: bool) -> ClientConfig {
        ClientConfig {
            base_url: url.to_owned(),
            allow_insecure_http: insecure,
            ..ClientConfig::default()
        }
    }

    fn key() -> Credentials {
        Credentials::AccessKey(SecretString::from("sekrit-key-123"))
    }

    #[test]
    fn the_route_hint_puts_v1_0_in_place_of_another_version() {
        let hint = |url: &str| {
            let c = Client::new(&cfg(url, true), key()).unwrap();
            c.route_hint()
        };
        let try_ = |url: &str| format!("VoIPbin's API is under /v1.0: try --api-url {url}");
        assert_eq!(hint("http://h:1"), try_("http://h:1/v1.0"));
        assert_eq!(hint("http://h:1/v1"), try_("http://h:1/v1.0"));
        assert_eq!(hint("http://h:1/api/v2/"), try_("http://h:1/api/v1.0"));
        assert_eq!(hint("http://h:1/voipbin"), try_("http://h:1/voipbin/v1.0"));
        assert!(hint("http://h:1/v1.0").starts_with("is the API URL"));
    }

    #[test]
    fn https_is_required_off_loopback() {
        assert!(Client::new(&cfg("https://api.voipbin.net/v1.0", false), key()).is_ok());
        assert!(Client::new(&cfg("http://127.0.0.1:9000/v1.0", false), key()).is_ok());
        assert!(Client::new(&cfg("http://localhost:9000/v1.0", false), key()).is_ok());
        assert!(Client::new(&cfg("http://[::1]:9000/v1.0", false), key()).is_ok());
        let err = Client::new(&cfg("http://api.example.com/v1.0", false), key()).unwrap_err();
        assert!(matches!(err, ClientConfigError::InsecureHttp(_)), "{err}");
        assert!(Client::new(&cfg("http://api.example.com/v1.0", true), key()).is_ok());
        for bad in [
            "ftp://x/v1.0",
            "not a url",
            "https://user:pw@host/v1.0",
            "https://host/v1.0?accesskey=k",
        ] {
            let e = Client::new(&cfg(bad, true), key()).unwrap_err().to_string();
            assert!(!e.contains("pw") && !e.contains("accesskey=k"), "{e}");
        }
        // What was typed is echoed when it holds no secret.
        let e = Client::new(&cfg("notaurl", false), key())
            .unwrap_err()
            .to_string();
        assert_eq!(e, "the API URL \"notaurl\" is not a valid http(s) URL");
        let e = Client::new(&cfg("pw@notaurl", false), key())
            .unwrap_err()
            .to_string();
        assert!(!e.contains("pw"), "{e}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let client = Client::new(&cfg("https://api.voipbin.net/v1.0/", false), key()).unwrap();
        let dbg = format!("{client:?} {:?}", key());
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert_eq!(client.host(), "api.voipbin.net");
    }
}
