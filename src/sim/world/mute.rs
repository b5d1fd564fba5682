//! Muting a participant's call, as call-manager's `MuteOn` / `MuteOff` do (API.md §5).

use super::*;

/// Why a mute or unmute was refused; the API answers every one with a bare 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MuteError {
    #[error("no such call")]
    NotFound,
    #[error("the call belongs to another customer")]
    Forbidden,
    #[error("the call is not in progress")]
    NotInProgress,
    #[error("unknown mute direction")]
    BadDirection,
}

/// A requested direction: `in`, `out` or `both`; none (`""`) means `both`.
pub fn direction(requested: &str) -> Result<&'static str, MuteError> {
    match requested {
        "" | "both" => Ok("both"),
        "in" => Ok("in"),
        "out" => Ok("out"),
        _ => Err(MuteError::BadDirection),
    }
}

/// What is left muted after unmuting `off` from `current`.
fn after_unmute(current: &'static str, off: &'static str) -> &'static str {
    match (current, off) {
        (c, o) if c == o => "",
        ("both", "in") => "out",
        ("both", "out") => "in",
        (c, _) => c,
    }
}

/// Share of simulated callers who join already muted.
const MUTED_SHARE: u8 = 10;

impl World {
    /// `POST /calls/{id}/mute`: the call's mute direction becomes `requested`.
    pub fn mute(&mut self, customer: usize, call: Uuid, requested: &str) -> Result<(), MuteError> {
        let dir = direction(requested)?;
        self.set_mute(customer, call, |_| dir)
    }

    /// `DELETE /calls/{id}/mute`: unmutes `requested`; `both` minus one side leaves the other.
    pub fn unmute(
        &mut self,
        customer: usize,
        call: Uuid,
        requested: &str,
    ) -> Result<(), MuteError> {
        let off = direction(requested)?;
        self.set_mute(customer, call, |current| after_unmute(current, off))
    }

    /// Every accepted request writes the direction, which moves `tm_update` and publishes
    /// `call_updated`, as `UpdateMuteDirection` does.
    fn set_mute(
        &mut self,
        customer: usize,
        call: Uuid,
        next: impl FnOnce(&'static str) -> &'static str,
    ) -> Result<(), MuteError> {
        let &c = self.call_index.get(&call).ok_or(MuteError::NotFound)?;
        let rec = &mut self.calls[c];
        if rec.customer != customer {
            return Err(MuteError::Forbidden);
        }
        if rec.status != "progressing" {
            return Err(MuteError::NotInProgress);
        }
        rec.mute_direction = next(rec.mute_direction);
        rec.tm_update = Some(self.now);
        self.emit_call("call_updated", c);
        Ok(())
    }

    /// A small, seeded share of callers is muted from the start, so the state shows.
    pub(super) fn maybe_start_muted(&mut self, c: usize) {
        if self.mute_rng.u8(..100) >= MUTED_SHARE {
            return;
        }
        self.calls[c].mute_direction = match self.mute_rng.u8(..10) {
            0..=6 => "in",
            7..=8 => "both",
            _ => "out",
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmuting_one_side_of_both_leaves_the_other() {
        assert_eq!(after_unmute("both", "in"), "out");
        assert_eq!(after_unmute("both", "out"), "in");
        assert_eq!(after_unmute("both", "both"), "");
        assert_eq!(after_unmute("in", "in"), "");
        assert_eq!(after_unmute("in", "out"), "in");
        assert_eq!(after_unmute("out", "both"), "out");
        assert_eq!(after_unmute("", "in"), "");
        assert_eq!(direction(""), Ok("both"));
        assert_eq!(direction("sideways"), Err(MuteError::BadDirection));
    }
}
