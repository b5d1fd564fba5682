//! What the filter matches: conference names, callers' names (case and accents ignored, words
//! in any order), numbers (by their digits, and as people say them in their own country: a
//! trunk prefix or an international prefix read by libphonenumber's rules), and participant,
//! call and conference ids (by prefix).

/// A country, for how its people write phone numbers.
pub use phonenumber::country::Id as Region;
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
    /// The folded text's words: a name matches when it holds every one, in any order.
    words: Vec<String>,
    /// Its digits, when it reads as a phone number (digits, spaces, `+-.()` only).
    digits: Option<String>,
    /// The same number in international form (country code first, digits only), when the
    /// region's rules read it as one: `020 7946 0679` in GB is `442079460679`.
    international: Option<String>,
    /// Lower-case, when it could be the start of an id.
    id: Option<String>,
}

impl Needle {
    /// A filter; `region` is the country whose way of writing numbers is understood (its
    /// trunk prefix, its international prefix), if known.
    pub fn new(filter: &str, region: Option<Region>) -> Needle {
        let trimmed = filter.trim();
        let text = fold(trimmed);
        let words = text.split_whitespace().map(str::to_owned).collect();
        let numeric = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        let d = digits(trimmed);
        let number = numeric && d.len() >= MIN_DIGITS;
        let international = if number && !trimmed.starts_with('+') {
            international(trimmed, region).filter(|n| *n != d)
        } else {
            None
        };
        let id = trimmed.to_ascii_lowercase();
        let id_like =
            id.len() >= MIN_ID_PREFIX && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        Needle {
            text,
            words,
            digits: number.then_some(d),
            international,
            id: id_like.then_some(id),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether every word of the needle is in the haystack, in any order.
    fn text_in(&self, haystack: &str) -> bool {
        if haystack.is_empty() {
            return false;
        }
        let hay = fold(haystack);
        hay.contains(&self.text) || self.words.iter().all(|w| hay.contains(w.as_str()))
    }

    fn number_in(&self, haystack: &str) -> bool {
        let Some(d) = &self.digits else {
            return false;
        };
        let hay = digits(haystack);
        hay.contains(d.as_str())
            || self
                .international
                .as_ref()
                .is_some_and(|n| hay.contains(n.as_str()))
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

/// A number as written in `region` (`020 7946 0679`, `0044 20 7946 0679`, `011 44 …`), in
/// international digits (`442079460679`), by libphonenumber's rules for that region.
fn international(number: &str, region: Option<Region>) -> Option<String> {
    let region = region?;
    let parsed = phonenumber::parse(Some(region), number).ok()?;
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    Some(digits(&e164))
}

/// The region a locale names (`en_GB.UTF-8` is GB), if it names one.
pub fn region_of_locale(locale: &str) -> Option<Region> {
    let territory = locale.split(['.', '@']).next()?.split_once('_')?.1;
    region_named(territory)
}

/// A region by its ISO 3166 code, any case (`gb`, `GB`).
pub fn region_named(code: &str) -> Option<Region> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 2 {
        return None;
    }
    code.parse().ok()
}

/// The region from the locale, as the C library chooses its telephone category: `LC_ALL`,
/// then `LC_TELEPHONE`, then `LANG`.
pub fn region_from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Region> {
    ["LC_ALL", "LC_TELEPHONE", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
        .and_then(|l| region_of_locale(&l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_by_their_digits_either_way() {
        let n = Needle::new("+61 491 570 781", None);
        assert!(n.number_in("+61491570781"));
        assert!(Needle::new("61491570781", None).number_in("+61 (491) 570-781"));
        assert!(!Needle::new("Jose 61", None).number_in("+61491570781"));
        assert!(
            !Needle::new("12", None).number_in("+61491570781"),
            "two digits match too much"
        );
    }

    #[test]
    fn names_ignore_case_and_accents() {
        assert!(Needle::new("jose", None).text_in("José Álvarez"));
        assert!(Needle::new("ÁLV", None).text_in("Jose Alvarez"));
        assert!(!Needle::new("josh", None).text_in("José"));
    }

    #[test]
    fn ids_match_by_prefix_only() {
        let id: Uuid = "7cb70145-a20a-4070-8b23-9131410d301d".parse().unwrap();
        assert!(Needle::new("7cb7", None).id_prefix_of(&id));
        assert!(Needle::new("7CB70145-A20A", None).id_prefix_of(&id));
        assert!(Needle::new("7cb70145a20a", None).id_prefix_of(&id));
        assert!(!Needle::new("a20a", None).id_prefix_of(&id), "not inside");
        assert!(!Needle::new("7cb", None).id_prefix_of(&id), "too short");
    }

    fn gb() -> Option<Region> {
        region_named("GB")
    }

    #[test]
    fn numbers_match_as_people_say_them_in_their_country() {
        let stored = "+442079460679";
        for typed in [
            "020 7946 0679",
            "0044 20 7946 0679",
            "+44 20 7946 0679",
            "(020) 7946-0679",
        ] {
            assert!(Needle::new(typed, gb()).number_in(stored), "{typed}");
        }
        assert!(
            Needle::new("020 7946", gb()).number_in(stored),
            "the start of a national number"
        );
        let us = region_named("us");
        assert!(Needle::new("011 44 20 7946 0679", us).number_in(stored));
        assert!(
            !Needle::new("020 7946 0679", None).number_in(stored),
            "without a region a trunk prefix is only digits"
        );
        assert!(
            !Needle::new("020 7946 0679", region_named("DE")).number_in(stored),
            "in Germany 020 is Essen"
        );
        assert!(!Needle::new("020 7946 0680", gb()).number_in(stored));
    }

    #[test]
    fn words_match_in_any_order() {
        let n = Needle::new("okafor fatima", None);
        assert!(n.text_in("Fatima Okafor"));
        assert!(Needle::new("  FAT  oka ", None).text_in("Fatima Okafor"));
        assert!(!n.text_in("Fatima Adeyemi"), "every word must be there");
        assert!(Needle::new("board prep", None).text_in("Board Prep"));
    }

    #[test]
    fn the_region_comes_from_the_locale_as_the_c_library_reads_it() {
        assert_eq!(region_of_locale("en_GB.UTF-8"), gb());
        assert_eq!(region_of_locale("de_DE@euro"), region_named("DE"));
        assert_eq!(region_of_locale("C.UTF-8"), None);
        assert_eq!(region_of_locale("POSIX"), None);
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            region_from_env(&env(&[
                ("LANG", "en_US.UTF-8"),
                ("LC_TELEPHONE", "en_GB.UTF-8")
            ])),
            gb()
        );
        assert_eq!(
            region_from_env(&env(&[("LC_ALL", "ko_KR.UTF-8"), ("LANG", "en_GB.UTF-8")])),
            region_named("KR")
        );
        assert_eq!(region_from_env(&env(&[])), None);
        assert_eq!(region_named("Britain"), None);
    }
}
