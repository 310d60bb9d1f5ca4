//! The v1 Query API's XML: success envelopes (`<ActionResponse><ActionResult>…`, the result
//! element always present, as botocore looks it up by name) and the error envelope.

use std::fmt::Write;

use super::error::SesError;

pub const NAMESPACE: &str = "http://ses.amazonaws.com/doc/2010-12-01/";

/// Builds the inside of a `…Result` element.
#[derive(Default)]
pub struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// `<name>text</name>`, escaped.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        let _ = write!(self.out, "<{name}>{}</{name}>", escape(text));
        self
    }

    /// `<name>…</name>` around what `inner` writes.
    pub fn element(&mut self, name: &str, inner: impl FnOnce(&mut Self)) -> &mut Self {
        let _ = write!(self.out, "<{name}>");
        inner(self);
        let _ = write!(self.out, "</{name}>");
        self
    }

    /// A list of strings: `<name><member>a</member>…</name>`.
    pub fn members<'a>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = &'a str>,
    ) -> &mut Self {
        self.element(name, |w| {
            for item in items {
                w.leaf("member", item);
            }
        })
    }

    /// A map: `<name><entry><key>k</key><value>…</value></entry>…</name>`.
    pub fn entries<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = (String, T)>,
        mut value: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        self.element(name, |w| {
            for (key, item) in items {
                w.element("entry", |w| {
                    w.leaf("key", &key);
                    w.element("value", |w| value(w, item));
                });
            }
        })
    }

    /// Raw text inside the current element, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(&escape(text));
        self
    }
}

/// `<{action}Response><{action}Result>…</…Result><ResponseMetadata>…</…></…Response>`.
pub fn success(action: &str, request_id: &str, result: XmlWriter) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{action}Response xmlns="{NAMESPACE}"><{action}Result>{}</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"#,
        result.out
    )
}

pub fn error(error: &SesError, request_id: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"#,
        error.fault(),
        escape(&error.code),
        escape(&error.message)
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters cannot appear in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_nest_and_escape() {
        let mut w = XmlWriter::default();
        w.members("Identities", ["a&b.example", "<x>"]);
        w.entries("Policies", [("p".to_owned(), "{\"a\":1}")], |w, doc| {
            w.text(doc);
        });
        let xml = success("ListIdentities", "r-1", w);
        assert!(xml.contains("<ListIdentitiesResult><Identities><member>a&amp;b.example</member><member>&lt;x&gt;</member></Identities>"));
        assert!(xml.contains("<entry><key>p</key><value>{&quot;a&quot;:1}</value></entry>"));
        assert!(xml.contains("<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"));
    }
}
