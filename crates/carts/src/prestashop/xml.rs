//! PrestaShop XML: request bodies (writes are XML only) and the few XML replies we read.

use std::collections::BTreeMap;

use quick_xml::{Reader, events::Event};

/// Methods a key may use on one resource, from the `/api/` listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Grants {
    pub get: bool,
    pub put: bool,
    pub post: bool,
    pub patch: bool,
}

/// Why an XML body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError(pub String);

fn attr_flag(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> bool {
    e.attributes()
        .flatten()
        .any(|a| a.key.as_ref() == name && matches!(a.value.as_ref(), b"true" | b"1"))
}

/// Reads the `/api/` listing: `<prestashop><api><products get="true" …>…`.
pub(crate) fn parse_api_root(body: &str) -> Result<BTreeMap<String, Grants>, XmlError> {
    let mut r = Reader::from_str(body);
    let mut depth = 0usize;
    let mut out = BTreeMap::new();
    loop {
        let ev = r.read_event();
        let is_empty = matches!(ev, Ok(Event::Empty(_)));
        match ev {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if depth == 0 && name != "prestashop" {
                    return Err(XmlError(format!(
                        "root element is <{name}>, not <prestashop>"
                    )));
                }
                if depth == 1 && name != "api" {
                    return Err(XmlError(format!("expected <api>, found <{name}>")));
                }
                if depth == 2 {
                    out.insert(
                        name.clone(),
                        Grants {
                            get: attr_flag(&e, b"get"),
                            put: attr_flag(&e, b"put"),
                            post: attr_flag(&e, b"post"),
                            patch: attr_flag(&e, b"patch"),
                        },
                    );
                }
                if !is_empty {
                    depth += 1;
                }
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(XmlError(format!("invalid or truncated XML: {e}"))),
        }
    }
    if depth != 0 {
        return Err(XmlError(
            "the XML ends before its closing tags (truncated)".into(),
        ));
    }
    if out.is_empty() {
        return Err(XmlError("no <api> resource listing".into()));
    }
    Ok(out)
}

/// Reads the top-level fields of a single-record reply
/// (`<prestashop><stock_available><quantity>…`); i18n fields give their first language.
pub(crate) fn parse_record(body: &str) -> Result<BTreeMap<String, String>, XmlError> {
    let mut r = Reader::from_str(body);
    let mut stack: Vec<String> = Vec::new();
    let mut out = BTreeMap::new();
    let mut closed_root = false;
    let mut skip_lang = false;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                stack.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                // Only the first language of an i18n field is kept.
                skip_lang =
                    stack.len() == 4 && out.get(&stack[2]).is_some_and(|v: &String| !v.is_empty());
            }
            Ok(Event::Empty(e)) => {
                if stack.len() == 2 {
                    let n = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    out.entry(n).or_insert_with(String::new);
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
                skip_lang = false;
                if stack.is_empty() {
                    closed_root = true;
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(field) = field_of(&stack).filter(|_| !skip_lang) {
                    let s = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                    if !s.trim().is_empty() {
                        out.entry(field).or_default().push_str(&s);
                    }
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(field) = field_of(&stack).filter(|_| !skip_lang) {
                    out.entry(field)
                        .or_default()
                        .push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(XmlError(format!("invalid or truncated XML: {e}"))),
        }
    }
    if !closed_root {
        return Err(XmlError(
            "the XML ends before its closing tags (truncated)".into(),
        ));
    }
    if stack.first().is_some_and(|r| r != "prestashop") {
        return Err(XmlError("root element is not <prestashop>".into()));
    }
    Ok(out)
}

/// `prestashop/entity/field` or `prestashop/entity/field/language` → `field`.
fn field_of(stack: &[String]) -> Option<String> {
    match stack.len() {
        3 => Some(stack[2].clone()),
        4 if stack[3] == "language" => Some(stack[2].clone()),
        _ => None,
    }
}

/// Text as CDATA (a `]]>` inside is split across two sections).
pub(crate) fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// One record's XML body: plain fields, then i18n fields in language 1.
pub(crate) fn record(entity: &str, fields: &[(&str, String)], i18n: &[(&str, String)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<prestashop xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n",
    );
    s.push_str(&format!("<{entity}>\n"));
    for (k, v) in fields {
        s.push_str(&format!("<{k}>{}</{k}>\n", cdata(v)));
    }
    for (k, v) in i18n {
        s.push_str(&format!(
            "<{k}><language id=\"1\">{}</language></{k}>\n",
            cdata(v)
        ));
    }
    s.push_str(&format!("</{entity}>\n</prestashop>\n"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_api_listing_and_a_record_and_spots_truncation() {
        let root = r#"<?xml version="1.0" encoding="UTF-8"?>
<prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><api shopName="S">
<orders xlink:href="x" get="true" put="false" post="false" patch="false" delete="false" head="true"><description>o</description></orders>
<stock_availables get="true" put="true" post="false"/></api></prestashop>"#;
        let g = parse_api_root(root).unwrap();
        assert!(g["orders"].get && !g["orders"].put);
        assert!(g["stock_availables"].put);
        assert!(parse_api_root(&root[..root.len() / 2]).is_err());

        let rec = record(
            "product",
            &[("id", "7".into()), ("reference", "A]]>B".into())],
            &[("name", "Mug & co".into())],
        );
        let back = parse_record(&rec).unwrap();
        assert_eq!(back["id"], "7");
        assert_eq!(back["reference"], "A]]>B");
        assert_eq!(back["name"], "Mug & co");
        assert!(parse_record(&rec[..rec.len() - 20]).is_err());
    }
}
