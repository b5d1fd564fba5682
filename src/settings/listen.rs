//! Where a server of conftop's listens (`conftop sim --listen`, `--metrics-listen`): an
//! address, or a host name resolved now, and only this machine's unless asked otherwise.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// Why an address cannot be listened on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refused {
    #[error("give HOST:PORT, e.g. 127.0.0.1:8080 or localhost:8080")]
    Form,
    #[error("cannot resolve it ({0})")]
    Resolve(String),
    #[error("it resolves to no address")]
    Nothing,
    /// Not this machine, and remote addresses were not allowed: the caller says why not.
    #[error("it is {0}, not this machine")]
    Remote(IpAddr),
}

/// `HOST:PORT`, resolved. Without `allow_remote`, the first loopback address it resolves to
/// (`localhost` is 127.0.0.1 or ::1); with it, the first address.
pub(crate) fn address(given: &str, allow_remote: bool) -> Result<SocketAddr, Refused> {
    let addrs: Vec<SocketAddr> = given
        .to_socket_addrs()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidInput => Refused::Form,
            _ => Refused::Resolve(e.to_string()),
        })?
        .collect();
    let first_loopback = addrs.iter().find(|a| a.ip().is_loopback());
    match (first_loopback, addrs.first()) {
        (Some(a), _) => Ok(*a),
        (None, Some(a)) if allow_remote => Ok(*a),
        (None, Some(a)) => Err(Refused::Remote(a.ip())),
        (None, None) => Err(Refused::Nothing),
    }
}

/// Like [`address`], where a port alone (`9464`, `:9464`) means this machine's 127.0.0.1.
pub(crate) fn address_or_port(given: &str, allow_remote: bool) -> Result<SocketAddr, Refused> {
    let port = given.trim().strip_prefix(':').unwrap_or(given.trim());
    match port.parse::<u16>() {
        Ok(port) => Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)),
        Err(_) => address(given.trim(), allow_remote),
    }
}
