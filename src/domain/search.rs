//! What the filter matches: conference names, callers' names (case and accents ignored),
//! numbers (by their digits), and participant, call and conference ids (by prefix).

use uuid::Uuid;

use crate::text::{digits, fold};

use super::model::{Caller, Conference, Participant};

/// Fewest characters of an id prefix that count as one (fewer would match nearly anything).
const MIN_ID_PREFIX: usize = 4;
/// Fewest digits that are compared as a number.
const MIN_DIGITS: usize = 3;

/// A filter, prepared once per view build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needle {
    /// Folded text, for names and addresses.
    text: String,
    /// Its digits, when it reads as a phone number (digits, spaces, `+-.()` only).
    digits: Option<String>,
    /// Lower-case, when it could be the start of an id.
    id: Option<String>,
}

impl Needle {
    pub fn new(filter: &str) -> Needle {
        let trimmed = filter.trim();
        let text = fold(trimmed);
        let numeric = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        let d = digits(trimmed);
        let id = trimmed.to_ascii_lowercase();
        let id_like =
            id.len() >= MIN_ID_PREFIX && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        Needle {
            text,
            digits: (numeric && d.len() >= MIN_DIGITS).then_some(d),
            id: id_like.then_some(id),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn text_in(&self, haystack: &str) -> bool {
        !haystack.is_empty() && fold(haystack).contains(&self.text)
    }

    fn number_in(&self, haystack: &str) -> bool {
        self.digits
            .as_ref()
            .is_some_and(|d| digits(haystack).contains(d.as_str()))
    }

    /// Whether an id starts with the needle, hyphenated or not.
    pub fn id_prefix_of(&self, id: &Uuid) -> bool {
        let Some(needle) = &self.id else {
            return false;
        };
        let mut buf = Uuid::encode_buffer();
        if id
            .hyphenated()
            .encode_lower(&mut buf)
            .starts_with(needle.as_str())
        {
            return true;
        }
        let mut buf = Uuid::encode_buffer();
        id.simple()
            .encode_lower(&mut buf)
            .starts_with(needle.as_str())
    }

    /// A room matches by its name or id.
    pub fn matches_conference(&self, id: &Uuid, conference: Option<&Conference>) -> bool {
        self.is_empty()
            || conference.is_some_and(|c| self.text_in(&c.name))
            || self.id_prefix_of(id)
    }

    /// Something described by ids and words (a departure: its participant and call, its
    /// caller in words and its room) matches by an id's prefix, or by its words as names or
    /// numbers.
    pub fn matches_any<'a>(&self, ids: impl IntoIterator<Item = &'a Uuid>, words: &[&str]) -> bool {
        self.is_empty()
            || ids.into_iter().any(|id| self.id_prefix_of(id))
            || words.iter().any(|w| self.text_in(w) || self.number_in(w))
    }

    /// A participant matches by its id, its call's id, or its caller's name or number.
    pub fn matches_participant(&self, p: &Participant, caller: Option<&Caller>) -> bool {
        self.is_empty()
            || self.id_prefix_of(&p.id)
            || p.call_id.is_some_and(|c| self.id_prefix_of(&c))
            || caller.is_some_and(|c| {
                let r = c.remote();
                self.text_in(&r.name) || self.text_in(&r.address) || self.number_in(&r.address)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_by_their_digits_either_way() {
        let n = Needle::new("+61 491 570 781");
        assert!(n.number_in("+61491570781"));
        assert!(Needle::new("61491570781").number_in("+61 (491) 570-781"));
        assert!(!Needle::new("Jose 61").number_in("+61491570781"));
        assert!(
            !Needle::new("12").number_in("+61491570781"),
            "two digits match too much"
        );
    }

    #[test]
    fn names_ignore_case_and_accents() {
        assert!(Needle::new("jose").text_in("José Álvarez"));
        assert!(Needle::new("ÁLV").text_in("Jose Alvarez"));
        assert!(!Needle::new("josh").text_in("José"));
    }

    #[test]
    fn ids_match_by_prefix_only() {
        let id: Uuid = "7cb70145-a20a-4070-8b23-9131410d301d".parse().unwrap();
        assert!(Needle::new("7cb7").id_prefix_of(&id));
        assert!(Needle::new("7CB70145-A20A").id_prefix_of(&id));
        assert!(Needle::new("7cb70145a20a").id_prefix_of(&id));
        assert!(!Needle::new("a20a").id_prefix_of(&id), "not inside");
        assert!(!Needle::new("7cb").id_prefix_of(&id), "too short");
    }
}
