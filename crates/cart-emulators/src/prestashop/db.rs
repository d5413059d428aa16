//! The emulated shop database: one table of rows per resource. A row maps each schema field name
//! to its stored string (decimals at their column scale, dates as unix seconds or empty for
//! `0000-00-00 00:00:00`). The id is the table key, not a row entry.

use std::collections::BTreeMap;

use super::schema::{self, Kind, Resource};

/// Stored values of one record, keyed by field name.
pub(crate) type Row = BTreeMap<&'static str, String>;

/// All records of one resource.
#[derive(Default)]
pub(crate) struct Table {
    pub rows: BTreeMap<i64, Row>,
    pub next_id: i64,
}

/// Every table of the shop.
pub(crate) struct Db {
    tables: BTreeMap<&'static str, Table>,
}

/// Value a field takes when a PUT leaves it out (PHP null saved through `ObjectModel`).
pub(crate) fn zero(kind: Kind) -> String {
    match kind {
        Kind::Int | Kind::Bool => "0".to_owned(),
        Kind::Dec(scale) => super::money::format(rust_decimal::Decimal::ZERO, scale),
        Kind::Text | Kind::Date | Kind::I18n => String::new(),
    }
}

impl Db {
    /// An empty database with one table per resource.
    pub fn new() -> Self {
        let tables = schema::RESOURCES
            .iter()
            .map(|r| {
                (
                    r.name,
                    Table {
                        rows: BTreeMap::new(),
                        next_id: 1,
                    },
                )
            })
            .collect();
        Db { tables }
    }

    /// The table of `resource` (every resource has one).
    pub fn table(&self, resource: &str) -> &Table {
        static EMPTY: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
        self.tables
            .get(resource)
            .unwrap_or_else(|| EMPTY.get_or_init(Table::default))
    }

    /// The table of `resource`, for writing.
    pub fn table_mut(&mut self, resource: &'static str) -> &mut Table {
        self.tables.entry(resource).or_insert_with(|| Table {
            rows: BTreeMap::new(),
            next_id: 1,
        })
    }

    /// A row of `resource` with every field at its zero value.
    pub fn blank(resource: &Resource) -> Row {
        resource
            .fields
            .iter()
            .filter(|f| f.name != "id")
            .map(|f| (f.name, zero(f.kind)))
            .collect()
    }

    /// Inserts `row` under the next id and returns that id.
    pub fn insert(&mut self, resource: &'static str, row: Row) -> i64 {
        let table = self.table_mut(resource);
        let id = table.next_id;
        table.next_id += 1;
        table.rows.insert(id, row);
        id
    }

    /// Inserts `row` under a chosen id, keeping later ids above it.
    pub fn insert_at(&mut self, resource: &'static str, id: i64, row: Row) {
        let table = self.table_mut(resource);
        table.next_id = table.next_id.max(id + 1);
        table.rows.insert(id, row);
    }

    /// The row `id` of `resource`.
    pub fn get(&self, resource: &str, id: i64) -> Option<&Row> {
        self.table(resource).rows.get(&id)
    }

    /// The row `id` of `resource`, for writing.
    pub fn get_mut(&mut self, resource: &'static str, id: i64) -> Option<&mut Row> {
        self.table_mut(resource).rows.get_mut(&id)
    }

    /// Ids and rows of `resource` whose `field` equals `value` exactly.
    pub fn find<'a>(
        &'a self,
        resource: &str,
        field: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = (i64, &'a Row)> + 'a {
        self.table(resource)
            .rows
            .iter()
            .filter(move |(_, row)| row.get(field).is_some_and(|v| v == value))
            .map(|(id, row)| (*id, row))
    }
}

/// Reads a stored field as an integer (0 when absent or not a number).
pub(crate) fn int(row: &Row, field: &str) -> i64 {
    row.get(field)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Reads a stored field as text (empty when absent).
pub(crate) fn text<'a>(row: &'a Row, field: &str) -> &'a str {
    row.get(field).map_or("", String::as_str)
}

/// Sets a stored field.
pub(crate) fn set(row: &mut Row, field: &'static str, value: impl Into<String>) {
    row.insert(field, value.into());
}
