//! Where the API is and the credential for it: flag, environment, config file, then a
//! profile of VoIPbin's `vn` CLI.

use super::*;

/// `--api-url` > `VOIPBIN_API_URL` > the vn profile's `api_url` (when that profile gives the
/// credential: a key and its server belong together) > the config file > VoIPbin's public API.
pub(super) fn api_url(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
    vn_url: Option<String>,
) -> String {
    args.conn
        .api_url
        .clone()
        .or_else(|| env("VOIPBIN_API_URL"))
        .or(vn_url)
        .or(file.api_url.clone())
        .unwrap_or_else(|| DEFAULT_API_URL.to_owned())
}

/// The vn profile asked for by name, and by what: `--profile` > `CONFTOP_PROFILE`.
pub(super) fn profile(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, &'static str)> {
    let named = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match args.conn.profile.clone().and_then(named) {
        Some(p) => Some((p, "--profile")),
        None => env("CONFTOP_PROFILE")
            .and_then(named)
            .map(|p| (p, "CONFTOP_PROFILE")),
    }
}

/// The credential, where it came from, and the vn profile's API URL if the profile gave it:
/// the environment > conftop's config file > the vn profile (as `vn` itself: its environment
/// variable before its file).
pub(super) fn credentials(
    args: &DashArgs,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
    file_name: &str,
) -> Result<(Credentials, CredentialSource, Option<String>), SettingsError> {
    if let Some((credentials, from)) = config::credentials(env, file, file_name)? {
        return Ok((credentials, from, None));
    }
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .filter(|h| !h.is_empty());
    let vn_path = home.map(|h| crate::vn::path_in(std::path::Path::new(&h)));
    let shown = vn_path.as_ref().map_or_else(
        || format!("~/{}", crate::vn::CONFIG),
        |p| p.display().to_string(),
    );
    let wanted = profile(args, env);
    let found = match &vn_path {
        Some(path) => crate::vn::load(path, wanted.as_ref().map(|(n, by)| (n.as_str(), *by)))?,
        None => None,
    };
    match found {
        Some(p) => Ok((
            Credentials::AccessKey(p.access_key),
            CredentialSource::VnProfile {
                profile: crate::text::sanitize(&p.name, 64),
                path: p.path.display().to_string(),
            },
            p.api_url,
        )),
        None => Err(ConfigError::NoCredentials {
            config: file_name.to_owned(),
            vn: shown,
        }
        .into()),
    }
}
