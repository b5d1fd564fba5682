//! Who is told of what: the alert command and the watches the config file names.

use std::path::Path;

use super::SettingsError;
use crate::app::watch::Watch;
use crate::cli::DashArgs;
use crate::config::FileConfig;

/// The alert command: `--alert-command PROGRAM`, else `alert_command = [...]` in the file. A
/// program named by a path must be there and runnable; one named bare is looked up on `PATH`
/// when an alert runs (a failure then is said on screen).
pub(super) fn alert_command(
    args: &DashArgs,
    file: &FileConfig,
    from: &dyn Fn(&str, bool, &str) -> String,
) -> Result<Option<Vec<String>>, SettingsError> {
    let (argv, flag) = match (&args.run.alert_command, &file.alert_command) {
        (Some(p), _) => (vec![p.to_string_lossy().into_owned()], true),
        (None, Some(argv)) => (argv.clone(), false),
        (None, None) => return Ok(None),
    };
    let option = from("--alert-command", flag, "alert_command");
    let fail = |why: &str| SettingsError::AlertCommand {
        option: option.clone(),
        why: why.to_owned(),
    };
    let Some(program) = argv.first().filter(|p| !p.trim().is_empty()) else {
        return Err(fail(
            "name the program to run, e.g. [\"/usr/local/bin/page-noc\"]",
        ));
    };
    if program.contains('/') {
        let path = Path::new(program);
        let runnable = path.metadata().map(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.is_file() && m.permissions().mode() & 0o111 != 0
        });
        match runnable {
            Ok(true) => {}
            Ok(false) => return Err(fail(&format!("{program} is not an executable file"))),
            Err(e) => return Err(fail(&format!("{program}: {e}"))),
        }
    }
    Ok(Some(argv))
}

/// `watch = ["+44 20 7946 0679", "conference:<id>"]` in the file.
pub(super) fn watches(file: &FileConfig, file_name: &str) -> Result<Vec<Watch>, SettingsError> {
    file.watch
        .iter()
        .flatten()
        .map(|w| {
            Watch::parse(w).ok_or_else(|| SettingsError::Watch {
                file: file_name.to_owned(),
                given: w.clone(),
            })
        })
        .collect()
}
