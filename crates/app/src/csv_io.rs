//! CSV import and export of items, customers, vendors and exchange rates.
//!
//! An import is all or nothing: every row is checked first (syntax, rules,
//! references, duplicates within the file), every bad row is reported with its
//! line and column, and only a clean file is written, in one transaction.
//! Rows whose code already exists update that record.

use std::collections::HashMap;

use cartwright_core::{
    FieldErrors,
    currency::ExchangeRateInput,
    item::{ItemInput, ItemPriceInput, ItemType, check_type_change},
    money::{RATE_SCALE, to_scaled},
    party::{Address, PartyInput, PartyKind},
    user::{Access, Resource},
    validate::format_date,
};
use cartwright_store::{AuditEntry, ListQuery};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::snapshot;
use crate::{
    App, AppError, Principal, Result, RowError, audit, company::no_company, items::item_row,
    parties::party_row, refs::Refs,
};

/// What a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEntity {
    /// Items with a `price:<LIST>` column per price list.
    Items,
    /// Customers.
    Customers,
    /// Vendors.
    Vendors,
    /// Exchange rates: currency, date, rate.
    ExchangeRates,
}

impl CsvEntity {
    /// The name used in URLs and file names.
    pub fn name(self) -> &'static str {
        match self {
            Self::Items => "items",
            Self::Customers => "customers",
            Self::Vendors => "vendors",
            Self::ExchangeRates => "exchange-rates",
        }
    }

    /// Parses a name as written on the command line.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "items" => Some(Self::Items),
            "customers" => Some(Self::Customers),
            "vendors" => Some(Self::Vendors),
            "exchange-rates" | "rates" => Some(Self::ExchangeRates),
            _ => None,
        }
    }

    fn resource(self) -> Resource {
        match self {
            Self::Items => Resource::Items,
            Self::Customers => Resource::Customers,
            Self::Vendors => Resource::Vendors,
            Self::ExchangeRates => Resource::Currencies,
        }
    }
}

/// What an import stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Records created.
    pub created: u64,
    /// Records updated.
    pub updated: u64,
}

const ITEM_COLUMNS: &[&str] = &[
    "code",
    "description",
    "item_type",
    "unit",
    "standard_cost",
    "barcode",
    "weight_kg",
    "tax_code",
    "reorder_level",
    "preferred_vendor",
    "active",
];
const ADDRESS_PARTS: &[&str] = &["line1", "line2", "city", "region", "postcode", "country"];
const PARTY_COLUMNS: &[&str] = &[
    "code",
    "name",
    "email",
    "phone",
    "currency",
    "payment_terms",
    "tax_code",
    "credit_limit",
    "notes",
    "active",
];
const RATE_COLUMNS: &[&str] = &["currency", "date", "rate"];

/// A data row as read: its line number and fields.
type RawRow = (u64, csv::StringRecord);

/// One data row with its line number, read by column name.
struct Row<'a> {
    line: u64,
    headers: &'a [String],
    record: csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        let i = self.headers.iter().position(|h| h == column)?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    fn err(&self, column: &str, message: impl Into<String>) -> RowError {
        RowError {
            line: self.line,
            column: column.to_owned(),
            message: message.into(),
        }
    }

    fn decimal(&self, column: &str, errors: &mut Vec<RowError>) -> Option<Decimal> {
        let v = self.get(column)?;
        match v.parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(self.err(column, format!("'{v}' is not a decimal number")));
                None
            }
        }
    }

    fn bool(&self, column: &str, errors: &mut Vec<RowError>) -> Option<bool> {
        match self.get(column)?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" => Some(true),
            "false" | "no" | "0" | "n" => Some(false),
            other => {
                errors.push(self.err(column, format!("'{other}' is not true or false")));
                None
            }
        }
    }

    fn string(&self, column: &str) -> Option<String> {
        self.get(column).map(str::to_owned)
    }

    /// Maps validation errors (named by field) onto this row's columns.
    fn field_errors(&self, errs: FieldErrors, column_of: impl Fn(&str) -> String) -> Vec<RowError> {
        errs.0
            .into_iter()
            .map(|e| self.err(&column_of(&e.field), e.message))
            .collect()
    }
}

/// Reads the header and every row; a header naming an unknown column or missing a required one is an error on line 1.
fn read_csv(
    bytes: &[u8],
    known: impl Fn(&str) -> bool,
    required: &[&str],
) -> Result<(Vec<String>, Vec<RawRow>), Vec<RowError>> {
    let mut headers = Vec::new();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header_err = |column: &str, message: String| RowError {
        line: 1,
        column: column.to_owned(),
        message,
    };
    let hdr = reader
        .headers()
        .map_err(|e| vec![header_err("", format!("the header cannot be read: {e}"))])?
        .clone();
    let mut errors = Vec::new();
    for h in &hdr {
        let h = h.trim();
        if !known(h) {
            errors.push(header_err(h, format!("unknown column '{h}'")));
        }
        headers.push(h.to_owned());
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            errors.push(header_err(r, format!("required column '{r}' is missing")));
        }
    }
    let mut raw = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(record) => {
                let line = record.position().map_or(0, csv::Position::line);
                raw.push((line, record));
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                errors.push(RowError {
                    line,
                    column: String::new(),
                    message: format!("unreadable row: {e}"),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((headers, raw))
}

fn rows_of(headers: &[String], raw: Vec<RawRow>) -> Vec<Row<'_>> {
    raw.into_iter()
        .map(|(line, record)| Row {
            line,
            headers,
            record,
        })
        .collect()
}

/// Notes the lower-cased key of a row, reporting a repeat within the file.
fn first_occurrence(
    seen: &mut HashMap<String, u64>,
    key: &str,
    row: &Row<'_>,
    column: &str,
    errors: &mut Vec<RowError>,
) -> bool {
    match seen.get(&key.to_lowercase()) {
        Some(first) => {
            errors.push(row.err(column, format!("'{key}' is also on line {first}")));
            false
        }
        None => {
            seen.insert(key.to_lowercase(), row.line);
            true
        }
    }
}

fn csv_text(headers: &[String], rows: &[Vec<String>]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Conflict(format!("could not write CSV: {e}"));
    w.write_record(headers).map_err(io)?;
    for r in rows {
        w.write_record(r).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Conflict(format!("could not write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Conflict(format!("could not write CSV: {e}")))
}

fn address_columns(prefix: &str) -> impl Iterator<Item = String> + '_ {
    ADDRESS_PARTS.iter().map(move |p| format!("{prefix}_{p}"))
}

impl App {
    /// Imports a CSV file: all rows or none.
    pub async fn import_csv(
        &self,
        who: &Principal,
        entity: CsvEntity,
        bytes: &[u8],
    ) -> Result<ImportSummary> {
        who.require(entity.resource(), Access::Write)?;
        match entity {
            CsvEntity::Items => self.import_items(who, bytes).await,
            CsvEntity::Customers => self.import_parties(who, PartyKind::Customer, bytes).await,
            CsvEntity::Vendors => self.import_parties(who, PartyKind::Vendor, bytes).await,
            CsvEntity::ExchangeRates => self.import_rates(who, bytes).await,
        }
    }

    async fn import_items(&self, who: &Principal, bytes: &[u8]) -> Result<ImportSummary> {
        let (headers, raw) = read_csv(
            bytes,
            |h| ITEM_COLUMNS.contains(&h) || h.starts_with("price:"),
            &["code", "item_type"],
        )
        .map_err(AppError::Import)?;
        let rows = rows_of(&headers, raw);
        let price_columns: Vec<String> = headers
            .iter()
            .filter(|h| h.starts_with("price:"))
            .cloned()
            .collect();
        let mut errors = Vec::new();
        let mut inputs = Vec::with_capacity(rows.len());
        let mut seen = HashMap::new();
        for row in &rows {
            let before = errors.len();
            let code = row.string("code").unwrap_or_default();
            if !code.is_empty() && !first_occurrence(&mut seen, &code, row, "code", &mut errors) {
                continue;
            }
            let item_type = match row.get("item_type") {
                Some(t) => ItemType::parse(&t.to_ascii_lowercase()).or_else(|| {
                    errors.push(row.err("item_type", format!("'{t}' is not one of stock, non_stock, service, charge, discount, kit, assembly")));
                    None
                }),
                None => {
                    errors.push(row.err("item_type", "is required"));
                    None
                }
            };
            let mut prices = Vec::new();
            let mut price_cols = Vec::new();
            for col in &price_columns {
                if let Some(price) = row.decimal(col, &mut errors) {
                    prices.push(ItemPriceInput {
                        price_list: col.trim_start_matches("price:").to_owned(),
                        price,
                    });
                    price_cols.push(col.clone());
                }
            }
            let input = ItemInput {
                code,
                description: row.string("description").unwrap_or_default(),
                item_type: item_type.unwrap_or(ItemType::Stock),
                unit: row.string("unit"),
                prices,
                components: Vec::new(),
                standard_cost: row.decimal("standard_cost", &mut errors),
                barcode: row.string("barcode"),
                weight_kg: row.decimal("weight_kg", &mut errors),
                tax_code: row.string("tax_code"),
                reorder_level: row.decimal("reorder_level", &mut errors),
                preferred_vendor: row.string("preferred_vendor"),
                active: row.bool("active", &mut errors),
                version: None,
            };
            let column_of = |field: &str| match field
                .strip_prefix("prices[")
                .and_then(|r| r.split(']').next())
                .and_then(|i| i.parse::<usize>().ok())
            {
                Some(i) => price_cols
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| field.to_owned()),
                None => field.to_owned(),
            };
            match input.validate() {
                Ok(v) if errors.len() == before => inputs.push((row, v, price_cols)),
                Ok(_) => {}
                Err(e) => errors.extend(row.field_errors(e, column_of)),
            }
        }
        let mut tx = self.store.write().await?;
        let existing: HashMap<String, (i64, i64)> = tx
            .item_keys()
            .await?
            .into_iter()
            .map(|(k, id, v)| (k, (id, v)))
            .collect();
        let mut refs = Refs::default();
        let mut writes = Vec::with_capacity(inputs.len());
        for (row, v, price_cols) in inputs {
            match item_row(&mut tx, &mut refs, &v).await? {
                Ok(mut r) => {
                    r.components = None;
                    writes.push((row, v, r));
                }
                Err(e) => errors.extend(row.field_errors(e, |f| {
                    f.strip_prefix("prices[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| price_cols.get(i).cloned())
                        .unwrap_or_else(|| f.to_owned())
                })),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(AppError::Import(errors));
        }
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        for (row, v, r) in writes {
            match existing.get(&v.code.to_lowercase()) {
                Some(&(id, version)) => updates.push((row, id, version, r)),
                None => inserts.push(r),
            }
        }
        // Updated items: refuse a type change of a used item, naming the row.
        let ids: Vec<i64> = updates.iter().map(|(_, id, _, _)| *id).collect();
        let before: HashMap<i64, _> = tx
            .items_by_ids(&ids)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        for (row, id, _, r) in &updates {
            let old = before
                .get(id)
                .ok_or_else(|| AppError::not_found("item", id))?;
            if old.item_type != r.item_type
                && let Err(e) = check_type_change(
                    &old.code,
                    old.item_type,
                    r.item_type,
                    tx.item_is_used(*id).await?,
                )
            {
                return Err(AppError::Import(vec![row.err("item_type", e.message)]));
            }
        }
        let updates: Vec<(i64, i64, _)> = updates
            .into_iter()
            .map(|(_, id, version, r)| (id, version, r))
            .collect();
        tx.update_items(&updates).await?;
        let after = tx.items_by_ids(&ids).await?;
        let actor = who.actor();
        let entries: Vec<AuditEntry<'_>> = after
            .iter()
            .map(|a| AuditEntry {
                actor: &actor,
                entity: "items",
                entity_id: Some(a.id),
                action: "import",
                before: before.get(&a.id).and_then(snapshot),
                after: snapshot(a),
            })
            .collect();
        tx.audit_many(&entries).await?;
        // New items.
        let new_ids = tx.insert_items(&inserts).await?;
        let created = tx.items_by_ids(&new_ids).await?;
        let entries: Vec<AuditEntry<'_>> = created
            .iter()
            .map(|a| AuditEntry {
                actor: &actor,
                entity: "items",
                entity_id: Some(a.id),
                action: "import",
                before: None,
                after: snapshot(a),
            })
            .collect();
        tx.audit_many(&entries).await?;
        tx.commit().await?;
        Ok(ImportSummary {
            created: created.len() as u64,
            updated: after.len() as u64,
        })
    }

    async fn import_parties(
        &self,
        who: &Principal,
        kind: PartyKind,
        bytes: &[u8],
    ) -> Result<ImportSummary> {
        let known = |h: &str| {
            PARTY_COLUMNS.contains(&h)
                || ["billing_", "shipping_"].iter().any(|p| {
                    h.strip_prefix(p)
                        .is_some_and(|rest| ADDRESS_PARTS.contains(&rest))
                })
        };
        let (headers, raw) = read_csv(bytes, known, &["code", "name"]).map_err(AppError::Import)?;
        let rows = rows_of(&headers, raw);
        let has_shipping = headers.iter().any(|h| h.starts_with("shipping_"));
        let mut errors = Vec::new();
        let mut inputs = Vec::with_capacity(rows.len());
        let mut seen = HashMap::new();
        for row in &rows {
            let before = errors.len();
            let code = row.string("code").unwrap_or_default();
            if !code.is_empty() && !first_occurrence(&mut seen, &code, row, "code", &mut errors) {
                continue;
            }
            let address = |prefix: &str| Address {
                line1: row.string(&format!("{prefix}_line1")).unwrap_or_default(),
                line2: row.string(&format!("{prefix}_line2")).unwrap_or_default(),
                city: row.string(&format!("{prefix}_city")).unwrap_or_default(),
                region: row.string(&format!("{prefix}_region")).unwrap_or_default(),
                postcode: row
                    .string(&format!("{prefix}_postcode"))
                    .unwrap_or_default(),
                country: row.string(&format!("{prefix}_country")).unwrap_or_default(),
            };
            let input = PartyInput {
                code,
                name: row.string("name").unwrap_or_default(),
                email: row.string("email"),
                phone: row.string("phone"),
                contacts: Vec::new(),
                billing_address: Some(address("billing")),
                shipping_address: has_shipping.then(|| address("shipping")),
                currency: row.string("currency"),
                payment_terms: row.string("payment_terms"),
                tax_code: row.string("tax_code"),
                credit_limit: row.decimal("credit_limit", &mut errors),
                notes: row.string("notes"),
                active: row.bool("active", &mut errors),
                version: None,
            };
            let column_of = |f: &str| f.replace("_address.", "_");
            match input.validate() {
                Ok(v) if errors.len() == before => inputs.push((row, v)),
                Ok(_) => {}
                Err(e) => errors.extend(row.field_errors(e, column_of)),
            }
        }
        let mut tx = self.store.write().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let existing: HashMap<String, (i64, i64)> = tx
            .party_keys(kind)
            .await?
            .into_iter()
            .map(|(k, id, v)| (k, (id, v)))
            .collect();
        let mut refs = Refs::default();
        let mut writes = Vec::with_capacity(inputs.len());
        for (row, v) in inputs {
            match party_row(&mut tx, &mut refs, &company.base_currency, kind, &v).await? {
                Ok(r) => writes.push((v, r)),
                Err(e) => errors.extend(row.field_errors(e, str::to_owned)),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(AppError::Import(errors));
        }
        let mut summary = ImportSummary::default();
        for (v, r) in writes {
            match existing.get(&v.code.to_lowercase()) {
                Some(&(id, version)) => {
                    let before = tx.party(kind, id).await?;
                    let after = tx.update_party(id, version, &r).await?;
                    audit(
                        &mut tx,
                        who,
                        kind.plural(),
                        id,
                        "import",
                        before.as_ref(),
                        Some(&after),
                    )
                    .await?;
                    summary.updated += 1;
                }
                None => {
                    let p = tx.insert_party(&r).await?;
                    audit(&mut tx, who, kind.plural(), p.id, "import", None, Some(&p)).await?;
                    summary.created += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(summary)
    }

    async fn import_rates(&self, who: &Principal, bytes: &[u8]) -> Result<ImportSummary> {
        let (headers, raw) = read_csv(bytes, |h| RATE_COLUMNS.contains(&h), RATE_COLUMNS)
            .map_err(AppError::Import)?;
        let rows = rows_of(&headers, raw);
        let mut errors = Vec::new();
        let mut valid = Vec::with_capacity(rows.len());
        let mut seen = HashMap::new();
        let mut tx = self.store.write().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let mut refs = Refs::default();
        for row in &rows {
            let before = errors.len();
            let input = ExchangeRateInput {
                currency: row.string("currency").unwrap_or_default(),
                date: row.string("date").unwrap_or_default(),
                rate: row.decimal("rate", &mut errors),
                foreign_per_base: None,
                version: None,
            };
            match input.validate() {
                Ok(v) if errors.len() == before => {
                    let key = format!("{} {}", v.currency, format_date(v.date));
                    if !first_occurrence(&mut seen, &key, row, "date", &mut errors) {
                        continue;
                    }
                    if v.currency.as_str() == company.base_currency {
                        errors.push(row.err(
                            "currency",
                            format!("{} is the base currency; its rate is always 1", v.currency),
                        ));
                    } else if let Err(e) = refs
                        .currency(&mut tx, "currency", v.currency.as_str())
                        .await?
                    {
                        errors.push(row.err("currency", e.message));
                    } else {
                        valid.push(v);
                    }
                }
                Ok(_) => {}
                Err(e) => errors.extend(row.field_errors(e, str::to_owned)),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(AppError::Import(errors));
        }
        let mut summary = ImportSummary::default();
        for v in valid {
            let date = format_date(v.date);
            let rate = to_scaled(v.rate, RATE_SCALE, "rate")?;
            match tx
                .rate_on(v.currency.as_str(), &date)
                .await?
                .filter(|r| r.date == date)
            {
                Some(before) => {
                    let after = tx
                        .update_rate(before.id, before.version, &date, rate, None)
                        .await?;
                    audit(
                        &mut tx,
                        who,
                        "exchange_rates",
                        after.id,
                        "import",
                        Some(&before),
                        Some(&after),
                    )
                    .await?;
                    summary.updated += 1;
                }
                None => {
                    let r = tx
                        .insert_rate(v.currency.as_str(), &date, rate, None)
                        .await?;
                    audit(
                        &mut tx,
                        who,
                        "exchange_rates",
                        r.id,
                        "import",
                        None,
                        Some(&r),
                    )
                    .await?;
                    summary.created += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Exports every record of `entity` as CSV, in the format the import reads.
    pub async fn export_csv(&self, who: &Principal, entity: CsvEntity) -> Result<String> {
        who.require(entity.resource(), Access::Read)?;
        let mut tx = self.store.read().await?;
        match entity {
            CsvEntity::Items => {
                let mut items = Vec::new();
                let mut q = ListQuery {
                    limit: 500,
                    ..ListQuery::default()
                };
                loop {
                    let page = tx.list_items(&q).await?;
                    items.extend(page.items);
                    match page.next_cursor.and_then(|c| c.parse().ok()) {
                        Some(after) => q.after = after,
                        None => break,
                    }
                }
                let mut lists: Vec<String> = items
                    .iter()
                    .flat_map(|i| i.prices.iter().map(|p| p.price_list.clone()))
                    .collect();
                lists.sort();
                lists.dedup();
                let mut headers: Vec<String> =
                    ITEM_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
                headers.extend(lists.iter().map(|l| format!("price:{l}")));
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|i| {
                        let mut r = vec![
                            i.code.clone(),
                            i.description.clone(),
                            i.item_type.as_str().to_owned(),
                            i.unit.clone(),
                            i.standard_cost.to_string(),
                            i.barcode.clone(),
                            i.weight_kg.to_string(),
                            i.tax_code.clone().unwrap_or_default(),
                            i.reorder_level.to_string(),
                            i.preferred_vendor.clone().unwrap_or_default(),
                            i.active.to_string(),
                        ];
                        r.extend(lists.iter().map(|l| {
                            i.prices
                                .iter()
                                .find(|p| &p.price_list == l)
                                .map(|p| p.price.to_string())
                                .unwrap_or_default()
                        }));
                        r
                    })
                    .collect();
                csv_text(&headers, &rows)
            }
            CsvEntity::Customers | CsvEntity::Vendors => {
                let kind = if entity == CsvEntity::Customers {
                    PartyKind::Customer
                } else {
                    PartyKind::Vendor
                };
                let mut parties = Vec::new();
                let mut q = ListQuery {
                    limit: 500,
                    ..ListQuery::default()
                };
                loop {
                    let page = tx.list_parties(kind, &q).await?;
                    parties.extend(page.items);
                    match page.next_cursor.and_then(|c| c.parse().ok()) {
                        Some(after) => q.after = after,
                        None => break,
                    }
                }
                let mut headers: Vec<String> =
                    PARTY_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
                headers.extend(address_columns("billing"));
                headers.extend(address_columns("shipping"));
                let addr = |a: &Address| {
                    vec![
                        a.line1.clone(),
                        a.line2.clone(),
                        a.city.clone(),
                        a.region.clone(),
                        a.postcode.clone(),
                        a.country.clone(),
                    ]
                };
                let rows: Vec<Vec<String>> = parties
                    .iter()
                    .map(|p| {
                        let mut r = vec![
                            p.code.clone(),
                            p.name.clone(),
                            p.email.clone(),
                            p.phone.clone(),
                            p.currency.clone(),
                            p.payment_terms.clone().unwrap_or_default(),
                            p.tax_code.clone().unwrap_or_default(),
                            p.credit_limit.to_string(),
                            p.notes.clone(),
                            p.active.to_string(),
                        ];
                        r.extend(addr(&p.billing_address));
                        r.extend(addr(&p.shipping_address));
                        r
                    })
                    .collect();
                csv_text(&headers, &rows)
            }
            CsvEntity::ExchangeRates => {
                let rates = tx.all_rates().await?;
                let headers: Vec<String> = RATE_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
                let rows: Vec<Vec<String>> = rates
                    .iter()
                    .map(|r| vec![r.currency.clone(), r.date.clone(), r.rate.to_string()])
                    .collect();
                csv_text(&headers, &rows)
            }
        }
    }
}
