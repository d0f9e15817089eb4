//! AppFlow's large-event pointer: when a Salesforce event is too large for EventBridge, AppFlow
//! writes it to the large-event bucket and sends only a URL of the object. AppFlow does not
//! document the field name, so any top-level text field of a detail without business fields
//! is examined, and both `s3://bucket/key` and S3 `https://` URLs (virtual-hosted or path
//! style, presigned or not) are accepted.

use super::event::Detail;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub key: String,
}

/// The pointer a detail carries, if it is a pointer at all.
pub fn find(detail: &Detail) -> Option<S3Location> {
    if detail.has_business_fields() {
        return None;
    }
    detail.other_text().find_map(parse_url)
}

/// Parses `s3://bucket/key` or an S3 `https://` URL into bucket and (decoded) key.
pub fn parse_url(url: &str) -> Option<S3Location> {
    let url = url.trim();
    if let Some(rest) = strip_prefix_ci(url, "s3://") {
        let (bucket, key) = rest.split_once('/')?;
        return location(bucket, key);
    }
    let rest = strip_prefix_ci(url, "https://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (host, path) = rest.split_once('/')?;
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let labels: Vec<&str> = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?
        .split('.')
        .collect();
    let is_s3 = |l: &str| l == "s3" || l.starts_with("s3-");
    let first = labels.iter().position(|l| is_s3(l))?;
    if first == 0 {
        // Path style: https://s3.<region>.amazonaws.com/<bucket>/<key>
        let (bucket, key) = path.split_once('/')?;
        location(bucket, &percent_decode(key)?)
    } else {
        // Virtual-hosted: https://<bucket>.s3.<region>.amazonaws.com/<key>
        location(&labels[..first].join("."), &percent_decode(path)?)
    }
}

fn location(bucket: &str, key: &str) -> Option<S3Location> {
    (!bucket.is_empty() && !key.is_empty()).then(|| S3Location {
        bucket: bucket.to_string(),
        key: key.to_string(),
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Decodes `%XX` escapes (URL paths encode the object key); `None` for malformed escapes or
/// a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(bucket: &str, key: &str) -> Option<S3Location> {
        Some(S3Location {
            bucket: bucket.into(),
            key: key.into(),
        })
    }

    #[test]
    fn accepts_every_s3_url_shape() {
        assert_eq!(
            parse_url("s3://big-events/a/b.json"),
            loc("big-events", "a/b.json")
        );
        assert_eq!(
            parse_url(
                "https://big-events.s3.eu-west-1.amazonaws.com/a/b%20c.json?X-Amz-Signature=1"
            ),
            loc("big-events", "a/b c.json")
        );
        assert_eq!(
            parse_url("https://big-events.s3.amazonaws.com/k"),
            loc("big-events", "k")
        );
        assert_eq!(
            parse_url("https://s3.eu-west-1.amazonaws.com/big-events/a/b.json"),
            loc("big-events", "a/b.json")
        );
        assert_eq!(
            parse_url("https://s3-eu-west-1.amazonaws.com/big-events/k"),
            loc("big-events", "k")
        );
    }

    #[test]
    fn rejects_what_is_not_an_s3_object() {
        for url in [
            "https://example.com/big-events/k",
            "s3://bucket-only",
            "s3://bucket/",
            "http://big-events.s3.amazonaws.com/k",
            "https://big-events.s3.amazonaws.com/bad%zz",
            "emea-uk",
        ] {
            assert_eq!(parse_url(url), None, "{url}");
        }
    }

    #[test]
    fn only_details_without_business_fields_are_pointers() {
        let pointer: Detail = r#"{"s3Url":"s3://b/k"}"#.parse().unwrap();
        assert_eq!(find(&pointer), loc("b", "k"));
        let request: Detail = r#"{"Record_Id__c":"x","Note":"s3://b/k"}"#.parse().unwrap();
        assert_eq!(find(&request), None);
    }
}
