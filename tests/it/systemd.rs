//! The unit files in docs/systemd/ as systemd reads them: `systemd-analyze verify` must find
//! nothing to say. Skipped, saying so, where that program is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_conftop");

fn units() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/systemd");
    let mut units: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "service"))
        .collect();
    units.sort();
    units
}

/// What `systemd-analyze verify` says of one unit, with conftop's path in the unit pointed at
/// the binary under test (it checks that every command exists); `None` when it is not here.
fn verify(unit: &Path, user: bool, runtime: &Path) -> Option<(bool, Vec<String>)> {
    let text = std::fs::read_to_string(unit).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(unit.file_name().unwrap());
    std::fs::write(&copy, text.replace("/usr/local/bin/conftop", BIN)).unwrap();
    let mut cmd = Command::new("systemd-analyze");
    if user {
        cmd.arg("--user").env("XDG_RUNTIME_DIR", runtime);
    }
    cmd.arg("verify").arg(&copy);
    let out = crate::common::output(&mut cmd).ok()?;
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Some((
        out.status.success(),
        said.lines().map(str::to_owned).collect(),
    ))
}

#[test]
fn the_unit_files_verify() {
    let runtime = tempfile::tempdir().unwrap();
    let units = units();
    assert_eq!(units.len(), 3, "{units:?}");
    for unit in units {
        let text = std::fs::read_to_string(&unit).unwrap();
        assert!(
            text.contains("/usr/local/bin/conftop"),
            "{}",
            unit.display()
        );
        assert!(text.contains("Restart="), "{}: restarts", unit.display());
        assert!(
            text.lines()
                .all(|l| l.starts_with('#') || !l.contains("VN_ACCESS_KEY=")),
            "{}: no credential in the unit itself",
            unit.display()
        );
        let user = unit.to_string_lossy().contains("-user");
        let Some((ok, said)) = verify(&unit, user, runtime.path()) else {
            println!(
                "systemd-analyze is not installed here: {} not verified",
                unit.display()
            );
            return;
        };
        // A terminal emulator the user unit names may not be installed on this machine.
        let (absent, rest): (Vec<String>, Vec<String>) = said
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .partition(|l| l.contains("is not executable") && !l.contains(BIN));
        for line in &absent {
            println!(
                "{}: not installed here, so not checked: {line}",
                unit.display()
            );
        }
        assert!(rest.is_empty(), "{}:\n{}", unit.display(), rest.join("\n"));
        assert!(
            ok || !absent.is_empty(),
            "{} did not verify",
            unit.display()
        );
    }
}
