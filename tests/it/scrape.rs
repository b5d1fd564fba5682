//! Reading conftop's `/metrics` as Prometheus would: over HTTP, with a parser of the text
//! format, each sample by its name and labels.

use std::collections::BTreeMap;
use std::time::Duration;

use prom_text_format_parser::Scrape;
use tokio::time::Instant;

/// Samples by (name, sorted labels); label values unescaped as the format defines.
#[derive(Debug, Default)]
pub struct Samples(pub BTreeMap<(String, Vec<(String, String)>), f64>);

fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl Samples {
    pub fn parse(text: &str) -> Samples {
        let scrape = Scrape::parse(text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
        let mut out = BTreeMap::new();
        for m in scrape.metrics {
            for s in m.samples {
                let mut labels: Vec<(String, String)> = s
                    .labels
                    .iter()
                    .map(|l| (l.key.clone(), unescape(&l.value)))
                    .collect();
                labels.sort();
                out.insert((m.name.clone(), labels), s.value.value.as_f64());
            }
        }
        Samples(out)
    }

    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut l: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        l.sort();
        self.0.get(&(name.to_owned(), l)).copied()
    }

    /// Every sample of `name`: its labels (as a map) and value.
    pub fn all(&self, name: &str) -> Vec<(BTreeMap<String, String>, f64)> {
        self.0
            .iter()
            .filter(|((n, _), _)| n == name)
            .map(|((_, l), v)| (l.iter().cloned().collect(), *v))
            .collect()
    }

    /// The sum of every sample of `name`.
    pub fn sum(&self, name: &str) -> f64 {
        self.all(name).iter().map(|(_, v)| v).sum()
    }

    pub fn state(&self) -> Option<String> {
        self.all("conftop_data_state")
            .into_iter()
            .find(|(_, v)| *v == 1.0)
            .map(|(l, _)| l["state"].clone())
    }
}

/// One scrape of `http://{addr}/metrics`, in the Prometheus text format: the raw text.
pub async fn raw(addr: &str) -> String {
    let resp = reqwest::Client::new()
        .get(format!("http://{addr}/metrics"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("the metrics answer");
    assert!(resp.status().is_success(), "{}", resp.status());
    let kind = resp.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    resp.text().await.unwrap()
}

pub async fn scrape(addr: &str) -> Samples {
    Samples::parse(&raw(addr).await)
}

/// Scrapes every 200 ms until `done` holds, for at most `within`; the last scrape.
pub async fn until(addr: &str, within: Duration, done: impl Fn(&Samples) -> bool) -> Samples {
    let deadline = Instant::now() + within;
    loop {
        let s = scrape(addr).await;
        if done(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "not within {within:?}; last scrape:\n{:#?}",
            s.0
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
