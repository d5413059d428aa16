//! XML output in the layout of `WebserviceOutputXML`: declaration, `<prestashop
//! xmlns:xlink=…>` root, CDATA values, `xlink:href` on links, `<language>` children for i18n
//! fields and `<associations>` blocks.

use std::fmt::Write as _;

use super::{
    auth::{ALL_METHODS, Grant},
    render::{EntityOut, FieldOut},
    schema::{RESOURCES, Resource},
};

/// Escapes text for an attribute value.
pub(crate) fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Wraps a value in CDATA (splitting any `]]>` it contains).
pub(crate) fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// Wraps content in the XML declaration and the `<prestashop>` root.
pub(crate) fn document(content: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<prestashop xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n{content}</prestashop>\n"
    )
}

fn field(out: &mut String, f: &FieldOut, ws_url: &str, indent: &str) {
    let _ = write!(out, "{indent}<{}", f.name);
    if f.i18n {
        let _ = writeln!(
            out,
            "><language id=\"1\" xlink:href=\"{}languages/1\">{}</language></{}>",
            attr(ws_url),
            cdata(&f.value),
            f.name
        );
        return;
    }
    if let Some(href) = &f.href {
        let _ = write!(out, " xlink:href=\"{}\"", attr(href));
    }
    if f.not_filterable {
        out.push_str(" notFilterable=\"true\"");
    }
    out.push('>');
    if !f.value.is_empty() {
        out.push_str(&cdata(&f.value));
    }
    let _ = writeln!(out, "</{}>", f.name);
}

/// One entity element.
pub(crate) fn entity(e: &EntityOut, ws_url: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<{}>", e.resource.node);
    for f in &e.fields {
        field(&mut out, f, ws_url, "\t");
    }
    if let Some(assocs) = &e.assocs {
        out.push_str("<associations>\n");
        for a in assocs {
            let kind = if a.assoc.virtual_entity {
                " virtualEntity=\"true\"".to_owned()
            } else {
                format!(" api=\"{}\"", a.assoc.name)
            };
            let head = format!("{} nodeType=\"{}\"{kind}", a.assoc.name, a.assoc.node);
            if a.items.is_empty() {
                let _ = writeln!(out, "<{head}/>");
                continue;
            }
            let _ = writeln!(out, "<{head}>");
            for item in &a.items {
                match &item.href {
                    Some(h) => {
                        let _ = writeln!(out, "\t<{} xlink:href=\"{}\">", a.assoc.node, attr(h));
                    }
                    None => {
                        let _ = writeln!(out, "\t<{}>", a.assoc.node);
                    }
                }
                for f in &item.fields {
                    field(&mut out, f, ws_url, "\t");
                }
                let _ = writeln!(out, "\t</{}>", a.assoc.node);
            }
            let _ = writeln!(out, "</{}>", a.assoc.name);
        }
        out.push_str("</associations>\n");
    }
    let _ = writeln!(out, "</{}>", e.resource.node);
    out
}

/// A list of ids: `<orders><order id="1" xlink:href="…"/></orders>`.
pub(crate) fn list_minimal(resource: &Resource, ids: &[i64], ws_url: &str) -> String {
    let mut out = format!("<{}>\n", resource.name);
    for id in ids {
        let _ = writeln!(
            out,
            "<{} id=\"{id}\" xlink:href=\"{}{}/{id}\"/>",
            resource.node,
            attr(ws_url),
            resource.name
        );
    }
    let _ = writeln!(out, "</{}>", resource.name);
    document(&out)
}

/// A list of full (or `display`-restricted) entities.
pub(crate) fn list(resource: &Resource, entities: &[EntityOut], ws_url: &str) -> String {
    let mut out = format!("<{}>\n", resource.name);
    for e in entities {
        out.push_str(&entity(e, ws_url));
    }
    let _ = writeln!(out, "</{}>", resource.name);
    document(&out)
}

/// Entities without a list wrapper (single GET, write replies).
pub(crate) fn details(entities: &[EntityOut], ws_url: &str) -> String {
    let body: String = entities.iter().map(|e| entity(e, ws_url)).collect();
    document(&body)
}

/// An error document.
pub(crate) fn errors(errors: &[(u32, String)]) -> String {
    let mut out = String::from("<errors>\n");
    for (code, message) in errors {
        let _ = writeln!(
            out,
            "<error>\n<code>{}</code>\n<message>{}</message>\n</error>",
            cdata(&code.to_string()),
            cdata(message)
        );
    }
    out.push_str("</errors>\n");
    document(&out)
}

/// The `GET /api/` resource listing for a key.
pub(crate) fn api_root(grant: Grant, shop_name: &str, ws_url: &str) -> String {
    let mut out = format!("<api shopName=\"{}\">\n", attr(shop_name));
    for r in RESOURCES.iter().filter(|r| grant.resource(r.name)) {
        let methods: String = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"]
            .iter()
            .filter(|m| ALL_METHODS.contains(m))
            .map(|m| format!(" {}=\"{}\"", m.to_lowercase(), grant.method(m)))
            .collect();
        let href = format!("{}{}", attr(ws_url), r.name);
        let _ = writeln!(out, "<{} xlink:href=\"{href}\"{methods}>", r.name);
        let _ = writeln!(
            out,
            "<description xlink:href=\"{href}\"{methods}>{}</description>",
            attr(r.description)
        );
        let _ = writeln!(
            out,
            "<schema xlink:href=\"{href}?schema=blank\" type=\"blank\"/>"
        );
        let _ = writeln!(
            out,
            "<schema xlink:href=\"{href}?schema=synopsis\" type=\"synopsis\"/>"
        );
        let _ = writeln!(out, "</{}>", r.name);
    }
    out.push_str("</api>\n");
    document(&out)
}
