//! Parsing of request bodies (XML only, like `SimpleXMLElement`) into a small element tree.

use quick_xml::{Reader, events::Event};

/// One element of a request body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// Concatenated text and CDATA directly inside the element.
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn open(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|err| err.to_string())?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        name,
        attrs,
        ..Node::default()
    })
}

/// Parses a whole document; `Err` carries the parser message (reported with code 127).
pub(crate) fn parse(input: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(input);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} at position {}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                if root.is_some() && stack.is_empty() {
                    return Err("Extra content at the end of the document".to_owned());
                }
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let node = open(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("Extra content at the end of the document".to_owned()),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unexpected end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("Start tag expected, '<' not found".to_owned()),
                }
            }
            Event::CData(c) => {
                let text = c.decode().map_err(|e| e.to_string())?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("Entity '{name}' not defined"))?
                            .to_owned()
                    }
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("Premature end of data".to_owned());
    }
    root.ok_or_else(|| "Start tag expected, '<' not found".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cdata_entities_and_children() {
        let doc = parse(
            "<?xml version=\"1.0\"?><prestashop xmlns:xlink=\"x\"><stock_available><id><![CDATA[7]]></id><location>a &amp; b</location><name><language id=\"1\">Mug</language></name></stock_available></prestashop>",
        )
        .unwrap();
        let sa = &doc.children[0];
        assert_eq!(sa.child("id").unwrap().text, "7");
        assert_eq!(sa.child("location").unwrap().text, "a & b");
        let lang = &sa.child("name").unwrap().children[0];
        assert_eq!(lang.attr("id"), Some("1"));
        assert_eq!(lang.text, "Mug");
    }

    #[test]
    fn rejects_malformed_documents() {
        assert!(parse("<prestashop><a></prestashop>").is_err());
        assert!(parse("").is_err());
        assert!(parse("not xml").is_err());
        assert!(parse("<a/><b/>").is_err());
    }
}
