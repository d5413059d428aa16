//! JSON output in the shape of `WebserviceOutputJSON` (8.x): `{"order":{…}}` for a single GET
//! without `display` (falsy values dropped by its `array_filter`), `{"orders":[…]}` otherwise,
//! a bare `[]` for an empty list, ids as numbers and every other value as a string, and `/`
//! escaped as `\/` like PHP's `json_encode`. Objects keep insertion order.

use super::render::{EntityOut, FieldOut};

/// A JSON value with ordered objects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J {
    Str(String),
    Num(i64),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    /// PHP truthiness: `""`, `"0"`, `0` and empty arrays are falsy.
    fn truthy(&self) -> bool {
        match self {
            J::Str(s) => !(s.is_empty() || s == "0"),
            J::Num(n) => *n != 0,
            J::Arr(a) => !a.is_empty(),
            J::Obj(o) => !o.is_empty(),
        }
    }

    /// Serialises like `json_encode($v, JSON_UNESCAPED_UNICODE)`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            J::Str(s) => out.push_str(&string(s)),
            J::Num(n) => out.push_str(&n.to_string()),
            J::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&string(k));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('/', "\\/")
}

fn fields(fs: &[FieldOut]) -> Vec<(String, J)> {
    fs.iter()
        .map(|f| {
            let v = match (f.name, f.value.parse::<i64>()) {
                ("id", Ok(n)) => J::Num(n),
                _ => J::Str(f.value.clone()),
            };
            (f.name.to_owned(), v)
        })
        .collect()
}

/// One entity as a JSON object (association values stay strings).
pub(crate) fn entity(e: &EntityOut) -> J {
    let mut pairs = fields(&e.fields);
    let assocs: Vec<(String, J)> = e
        .assocs
        .iter()
        .flatten()
        .filter(|a| !a.items.is_empty())
        .map(|a| {
            let items = a
                .items
                .iter()
                .map(|item| {
                    J::Obj(
                        item.fields
                            .iter()
                            .map(|f| (f.name.to_owned(), J::Str(f.value.clone())))
                            .collect(),
                    )
                })
                .collect();
            (a.assoc.name.to_owned(), J::Arr(items))
        })
        .collect();
    if !assocs.is_empty() {
        pairs.push(("associations".to_owned(), J::Obj(assocs)));
    }
    J::Obj(pairs)
}

/// `{"order":{…}}` with falsy values removed (single GET without `display`, write replies).
pub(crate) fn single(node: &str, e: &EntityOut) -> String {
    let J::Obj(pairs) = entity(e) else {
        return "[]".to_owned();
    };
    let kept: Vec<(String, J)> = pairs.into_iter().filter(|(_, v)| v.truthy()).collect();
    J::Obj(vec![(node.to_owned(), J::Obj(kept))]).encode()
}

/// `{"orders":[…]}`, or the bare `[]` quirk for an empty list when `empty_as_array`.
pub(crate) fn list(name: &str, items: Vec<J>, empty_as_array: bool) -> String {
    if items.is_empty() && empty_as_array {
        return "[]".to_owned();
    }
    J::Obj(vec![(name.to_owned(), J::Arr(items))]).encode()
}

/// `{"orders":[{"id":1},…]}` for a list without `display`.
pub(crate) fn ids(ids: &[i64]) -> Vec<J> {
    ids.iter()
        .map(|id| J::Obj(vec![("id".to_owned(), J::Num(*id))]))
        .collect()
}

/// `{"errors":[{"code":26,"message":"…"}]}`.
pub(crate) fn errors(errors: &[(u32, String)]) -> String {
    let list = errors
        .iter()
        .map(|(code, message)| {
            J::Obj(vec![
                ("code".to_owned(), J::Num(i64::from(*code))),
                ("message".to_owned(), J::Str(message.clone())),
            ])
        })
        .collect();
    J::Obj(vec![("errors".to_owned(), J::Arr(list))]).encode()
}

/// The `GET /api/?output_format=JSON` listing: the JSON renderer only records resource node
/// names (`$this->content[] = $node_name`), so the reply is an array of the granted names.
pub(crate) fn api_root(names: &[&str]) -> String {
    J::Arr(names.iter().map(|n| J::Str((*n).to_owned())).collect()).encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_php() {
        let v = J::Obj(vec![
            ("id".into(), J::Num(1)),
            ("url".into(), J::Str("a/b".into())),
            ("name".into(), J::Str("Chloé".into())),
        ]);
        assert_eq!(v.encode(), r#"{"id":1,"url":"a\/b","name":"Chloé"}"#);
    }
}
