//! Documents and their lines; numbering; links between documents.

use cartwright_core::{
    document::{
        DocStatus, DocType,
        record::{Document, DocumentLine},
        totals::UNIT_PRICE_SCALE,
    },
    money::{QUANTITY_SCALE, RATE_SCALE, from_scaled},
    page::Page,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    row::{DbRow, parse_enum, to_u32},
};

/// A document header as written.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    /// Type.
    pub doc_type: DocType,
    /// Customer or vendor id.
    pub party_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Rate × 10^6.
    pub rate_e6: i64,
    /// Site id.
    pub site_id: Option<i64>,
    /// Destination site id.
    pub to_site_id: Option<i64>,
    /// Reference.
    pub reference: String,
    /// Memo.
    pub memo: String,
    /// Prices include tax.
    pub prices_include_tax: bool,
    /// Ship-to address (drop-ship purchase orders), as JSON.
    pub ship_to_json: Option<String>,
    /// How charges on a receipt or bill are spread over its goods: `value` or `quantity`.
    pub landed_spread: String,
    /// Destination bin of a stock transfer.
    pub to_bin_id: Option<i64>,
    /// Net, document minor units.
    pub net_minor: i64,
    /// Tax, document minor units.
    pub tax_minor: i64,
    /// Total, document minor units.
    pub total_minor: i64,
    /// Total, base minor units.
    pub base_total_minor: i64,
    /// Lines.
    pub lines: Vec<LineRow>,
}

/// A document line as written (and read back for saving).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    /// Line id (0 before insert).
    pub id: i64,
    /// Item id.
    pub item_id: i64,
    /// Description.
    pub description: String,
    /// Site id.
    pub site_id: Option<i64>,
    /// Bin id.
    pub bin_id: Option<i64>,
    /// Quantity × 10^4.
    pub qty_e4: i64,
    /// Unit price × 10^6.
    pub unit_price_e6: i64,
    /// Discount percent × 10^4.
    pub discount_e4: i64,
    /// Tax code id.
    pub tax_code_id: Option<i64>,
    /// Tax rate percent × 10^4.
    pub tax_rate_e4: i64,
    /// Net, document minor units.
    pub net_minor: i64,
    /// Tax, document minor units.
    pub tax_minor: i64,
    /// Net, base minor units.
    pub base_net_minor: i64,
    /// Unit cost × 10^4 (base major units), for adjustments.
    pub unit_cost_e4: Option<i64>,
    /// Allocated quantity × 10^4.
    pub allocated_e4: i64,
    /// The line this one was converted from.
    pub source_line_id: Option<i64>,
    /// Goods go straight from the vendor to the customer, never through a site.
    pub drop_ship: bool,
}

/// Quantity converted from a line into documents of one type (VOID documents excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    /// The source line.
    pub source_line_id: i64,
    /// Type of the documents it went into.
    pub into: DocType,
    /// Quantity × 10^4.
    pub qty_e4: i64,
    /// Whether it passed through a dispatch on its way (an invoice of a dispatch of an order).
    pub via_dispatch: bool,
}

/// One allocation as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRow {
    /// The payment or credit used.
    pub source_id: i64,
    /// The invoice or bill settled.
    pub item_id: i64,
    /// Amount in the party's currency, minor units.
    pub amount_minor: i64,
    /// Base carrying amount released on the source side.
    pub source_base_minor: i64,
    /// Base carrying amount released on the item side.
    pub item_base_minor: i64,
    /// Date of the allocation.
    pub date: String,
    /// The journal of its exchange difference, if any.
    pub journal_id: Option<i64>,
}

/// What saving needs of a stored header.
#[derive(Debug, Clone)]
pub struct DocumentHead {
    /// Id.
    pub id: i64,
    /// Type.
    pub doc_type: DocType,
    /// Status.
    pub status: DocStatus,
    /// Number.
    pub number: Option<String>,
    /// Party id.
    pub party_id: Option<i64>,
    /// Date.
    pub date: String,
    /// Currency.
    pub currency: String,
    /// Rate × 10^6.
    pub rate_e6: i64,
    /// Site id.
    pub site_id: Option<i64>,
    /// Destination site id.
    pub to_site_id: Option<i64>,
    /// Destination bin id.
    pub to_bin_id: Option<i64>,
    /// Version.
    pub version: i64,
}

/// Filters of the document list.
#[derive(Debug, Clone, Default)]
pub struct DocumentQuery {
    /// Type.
    pub doc_type: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Party code.
    pub party: Option<String>,
    /// From date, inclusive.
    pub from: Option<String>,
    /// To date, inclusive.
    pub to: Option<String>,
    /// Search text and page.
    pub page: ListQuery,
}

fn head_from(r: &dyn DbRow) -> Result<DocumentHead> {
    Ok(DocumentHead {
        id: r.i64("id")?,
        doc_type: parse_enum(
            "documents",
            "doc_type",
            &r.string("doc_type")?,
            DocType::parse,
        )?,
        status: parse_enum(
            "documents",
            "status",
            &r.string("status")?,
            DocStatus::parse,
        )?,
        number: r.opt_string("number")?,
        party_id: r.opt_i64("party_id")?,
        date: r.string("doc_date")?,
        currency: r.string("currency")?,
        rate_e6: r.i64("rate_e6")?,
        site_id: r.opt_i64("site_id")?,
        to_site_id: r.opt_i64("to_site_id")?,
        to_bin_id: r.opt_i64("to_bin_id")?,
        version: r.i64("version")?,
    })
}

fn document_from(r: &dyn DbRow) -> Result<Document> {
    let mu = to_u32("currencies", "minor_units", r.i64("minor_units")?)?;
    let bmu = to_u32("currencies", "minor_units", r.i64("base_minor_units")?)?;
    Ok(Document {
        id: r.i64("id")?,
        doc_type: parse_enum(
            "documents",
            "doc_type",
            &r.string("doc_type")?,
            DocType::parse,
        )?,
        status: parse_enum(
            "documents",
            "status",
            &r.string("status")?,
            DocStatus::parse,
        )?,
        number: r.opt_string("number")?,
        party: r.opt_string("party")?,
        date: r.string("doc_date")?,
        due_date: r.opt_string("due_date")?,
        currency: r.string("currency")?,
        exchange_rate: from_scaled(r.i64("rate_e6")?, RATE_SCALE),
        site: r.opt_string("site")?,
        to_site: r.opt_string("to_site")?,
        reference: r.string("reference")?,
        memo: r.string("memo")?,
        prices_include_tax: r.bool("prices_include_tax")?,
        lines: Vec::new(),
        net: from_scaled(r.i64("net_minor")?, mu),
        tax: from_scaled(r.i64("tax_minor")?, mu),
        total: from_scaled(r.i64("total_minor")?, mu),
        base_total: from_scaled(r.i64("base_total_minor")?, bmu),
        closed: r.bool("closed")?,
        order_status: None,
        allocation_status: None,
        landed_spread: r.string("landed_spread")?,
        to_bin: r.opt_string("to_bin")?,
        ship_to: match r.opt_string("ship_to_json")? {
            Some(j) => Some(crate::row::parse_json("documents", "ship_to_json", &j)?),
            None => None,
        },
        void_date: r.opt_string("void_date")?,
        version: r.i64("version")?,
        created_at: r.string("created_at")?,
        updated_at: r.string("updated_at")?,
    })
}

fn line_from(r: &dyn DbRow) -> Result<(i64, u32, u32, DocumentLine)> {
    let mu = to_u32("currencies", "minor_units", r.i64("minor_units")?)?;
    let bmu = to_u32("currencies", "minor_units", r.i64("base_minor_units")?)?;
    Ok((
        r.i64("document_id")?,
        mu,
        bmu,
        DocumentLine {
            id: r.i64("id")?,
            line_no: r.i64("line_no")?,
            item: r.string("item")?,
            description: r.string("description")?,
            site: r.opt_string("site")?,
            bin: r.opt_string("bin")?,
            quantity: from_scaled(r.i64("qty_e4")?, QUANTITY_SCALE).normalize(),
            unit_price: from_scaled(r.i64("unit_price_e6")?, UNIT_PRICE_SCALE).normalize(),
            discount_percent: from_scaled(r.i64("discount_e4")?, 4).normalize(),
            tax_code: r.opt_string("tax_code")?,
            tax_rate_percent: from_scaled(r.i64("tax_rate_e4")?, 4).normalize(),
            net: from_scaled(r.i64("net_minor")?, mu),
            tax: from_scaled(r.i64("tax_minor")?, mu),
            base_net: from_scaled(r.i64("base_net_minor")?, bmu),
            allocated: from_scaled(r.i64("allocated_e4")?, QUANTITY_SCALE).normalize(),
            source_line: r.opt_i64("source_line_id")?,
            drop_ship: r.bool("drop_ship")?,
            progress: Vec::new(),
        },
    ))
}

fn converted_from(via_dispatch: bool) -> impl Fn(&dyn DbRow) -> Result<Converted> {
    move |r| {
        Ok(Converted {
            source_line_id: r.i64("source_line_id")?,
            into: parse_enum(
                "documents",
                "doc_type",
                &r.string("doc_type")?,
                DocType::parse,
            )?,
            qty_e4: r.i64("q")?,
            via_dispatch,
        })
    }
}

fn line_row_from(r: &dyn DbRow) -> Result<LineRow> {
    Ok(LineRow {
        id: r.i64("id")?,
        item_id: r.i64("item_id")?,
        description: r.string("description")?,
        site_id: r.opt_i64("site_id")?,
        bin_id: r.opt_i64("bin_id")?,
        qty_e4: r.i64("qty_e4")?,
        unit_price_e6: r.i64("unit_price_e6")?,
        discount_e4: r.i64("discount_e4")?,
        tax_code_id: r.opt_i64("tax_code_id")?,
        tax_rate_e4: r.i64("tax_rate_e4")?,
        net_minor: r.i64("net_minor")?,
        tax_minor: r.i64("tax_minor")?,
        base_net_minor: r.i64("base_net_minor")?,
        unit_cost_e4: r.opt_i64("unit_cost_e4")?,
        allocated_e4: r.i64("allocated_e4")?,
        source_line_id: r.opt_i64("source_line_id")?,
        drop_ship: r.bool("drop_ship")?,
    })
}

impl Tx {
    /// Stores a new PENDING document with its lines; returns its id.
    pub async fn insert_document(&mut self, d: &DocumentRow) -> Result<i64> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO documents (doc_type, status, party_id, doc_date, due_date, currency, rate_e6, site_id, to_site_id,
                 reference, memo, prices_include_tax, net_minor, tax_minor, total_minor, base_total_minor, created_at, updated_at, ship_to_json, landed_spread, to_bin_id)
                 VALUES ($1, 'PENDING', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18, $19) RETURNING id"
            )
            .bind(d.doc_type.as_str())
            .bind(d.party_id)
            .bind(&d.date)
            .bind(&d.due_date)
            .bind(&d.currency)
            .bind(d.rate_e6)
            .bind(d.site_id)
            .bind(d.to_site_id)
            .bind(&d.reference)
            .bind(&d.memo)
            .bind(d.prices_include_tax)
            .bind(d.net_minor)
            .bind(d.tax_minor)
            .bind(d.total_minor)
            .bind(d.base_total_minor)
            .bind(&now)
            .bind(&d.ship_to_json)
            .bind(&d.landed_spread)
            .bind(d.to_bin_id),
            |r: &dyn DbRow| r.i64("id")
        )
        .ok_or_else(|| StoreError::NotFound { entity: "document", key: "new".into() })?;
        self.insert_lines(id, &d.lines).await?;
        Ok(id)
    }

    async fn insert_lines(&mut self, document_id: i64, lines: &[LineRow]) -> Result<()> {
        for (chunk_no, chunk) in lines.chunks(400).enumerate() {
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO document_lines (document_id, line_no, item_id, description, site_id, bin_id, qty_e4, unit_price_e6, \
                         discount_e4, tax_code_id, tax_rate_e4, net_minor, tax_minor, base_net_minor, unit_cost_e4, allocated_e4, source_line_id, drop_ship) ",
                    );
                    qb.push_values(chunk.iter().enumerate(), |mut b, (i, l)| {
                        let line_no = i64::try_from(chunk_no * 400 + i + 1).unwrap_or(i64::MAX);
                        b.push_bind(document_id)
                            .push_bind(line_no)
                            .push_bind(l.item_id)
                            .push_bind(&l.description)
                            .push_bind(l.site_id)
                            .push_bind(l.bin_id)
                            .push_bind(l.qty_e4)
                            .push_bind(l.unit_price_e6)
                            .push_bind(l.discount_e4)
                            .push_bind(l.tax_code_id)
                            .push_bind(l.tax_rate_e4)
                            .push_bind(l.net_minor)
                            .push_bind(l.tax_minor)
                            .push_bind(l.base_net_minor)
                            .push_bind(l.unit_cost_e4)
                            .push_bind(l.allocated_e4)
                            .push_bind(l.source_line_id)
                            .push_bind(l.drop_ship);
                    });
                    qb
                }
                .build()
            );
        }
        Ok(())
    }

    /// Replaces a PENDING document's header and lines, if `version` is current.
    pub async fn replace_pending_document(
        &mut self,
        id: i64,
        version: i64,
        d: &DocumentRow,
    ) -> Result<()> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE documents SET party_id = $1, doc_date = $2, due_date = $3, currency = $4, rate_e6 = $5, site_id = $6,
                 to_site_id = $7, reference = $8, memo = $9, prices_include_tax = $10, net_minor = $11, tax_minor = $12,
                 total_minor = $13, base_total_minor = $14, version = version + 1, updated_at = $15, ship_to_json = $19, landed_spread = $20, to_bin_id = $21
                 WHERE id = $16 AND version = $17 AND status = 'PENDING' AND doc_type = $18"
            )
            .bind(d.party_id)
            .bind(&d.date)
            .bind(&d.due_date)
            .bind(&d.currency)
            .bind(d.rate_e6)
            .bind(d.site_id)
            .bind(d.to_site_id)
            .bind(&d.reference)
            .bind(&d.memo)
            .bind(d.prices_include_tax)
            .bind(d.net_minor)
            .bind(d.tax_minor)
            .bind(d.total_minor)
            .bind(d.base_total_minor)
            .bind(&now)
            .bind(id)
            .bind(version)
            .bind(d.doc_type.as_str())
            .bind(&d.ship_to_json)
            .bind(&d.landed_spread)
            .bind(d.to_bin_id)
        );
        if n != 1 {
            return Err(StoreError::Stale {
                entity: "document",
                id,
                expected: version,
            });
        }
        execute!(
            self,
            sqlx::query("DELETE FROM document_lines WHERE document_id = $1").bind(id)
        );
        self.insert_lines(id, &d.lines).await
    }

    /// Deletes a PENDING document and its lines; false when it is not PENDING.
    pub async fn delete_pending_document(&mut self, id: i64) -> Result<bool> {
        let pending = self
            .document_head(id)
            .await?
            .is_some_and(|h| h.status == DocStatus::Pending);
        if !pending {
            return Ok(false);
        }
        execute!(
            self,
            sqlx::query("DELETE FROM document_lines WHERE document_id = $1").bind(id)
        );
        execute!(
            self,
            sqlx::query(
                "DELETE FROM document_links WHERE from_document_id = $1 OR to_document_id = $1"
            )
            .bind(id)
        );
        let n = execute!(
            self,
            sqlx::query("DELETE FROM documents WHERE id = $1 AND status = 'PENDING'").bind(id)
        );
        Ok(n == 1)
    }

    /// The header fields saving needs.
    pub async fn document_head(&mut self, id: i64) -> Result<Option<DocumentHead>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT id, doc_type, status, number, party_id, doc_date, currency, rate_e6, site_id, to_site_id, to_bin_id, version
                 FROM documents WHERE id = $1"
            )
            .bind(id),
            head_from
        ))
    }

    /// The lines of a document, in order, as stored.
    pub async fn document_line_rows(&mut self, id: i64) -> Result<Vec<LineRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT id, item_id, description, site_id, bin_id, qty_e4, unit_price_e6, discount_e4, tax_code_id, tax_rate_e4,
                 net_minor, tax_minor, base_net_minor, unit_cost_e4, allocated_e4, source_line_id, drop_ship FROM document_lines WHERE document_id = $1 ORDER BY line_no"
            )
            .bind(id),
            line_row_from
        ))
    }

    /// Takes the next number of a document type (prefix + zero-padded counter), creating the sequence on first use.
    pub async fn next_number(&mut self, doc_type: DocType) -> Result<String> {
        execute!(
            self,
            sqlx::query("INSERT INTO doc_sequences (doc_type, prefix, next_number) VALUES ($1, $2, 1) ON CONFLICT (doc_type) DO NOTHING")
                .bind(doc_type.as_str())
                .bind(doc_type.default_prefix())
        );
        let (prefix, n) = fetch_opt!(
            self,
            sqlx::query("UPDATE doc_sequences SET next_number = next_number + 1 WHERE doc_type = $1 RETURNING prefix, next_number - 1 AS n")
                .bind(doc_type.as_str()),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.string("prefix")?, r.i64("n")?))
        )
        .ok_or_else(|| StoreError::NotFound { entity: "document sequence", key: doc_type.as_str().into() })?;
        Ok(format!("{prefix}{n:06}"))
    }

    /// Sets the number prefix of a document type (the counter carries on).
    pub async fn set_prefix(&mut self, doc_type: DocType, prefix: &str) -> Result<()> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO doc_sequences (doc_type, prefix, next_number) VALUES ($1, $2, 1)
                 ON CONFLICT (doc_type) DO UPDATE SET prefix = excluded.prefix"
            )
            .bind(doc_type.as_str())
            .bind(prefix)
        );
        Ok(())
    }

    /// Prefix and next number of every document type that has one stored.
    pub async fn sequences(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT doc_type, prefix, next_number FROM doc_sequences ORDER BY doc_type"
            ),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.string("doc_type")?,
                r.string("prefix")?,
                r.i64("next_number")?
            ))
        ))
    }

    /// Marks a PENDING document SAVED with its number, if `version` is current.
    pub async fn mark_saved(&mut self, id: i64, version: i64, number: &str) -> Result<()> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE documents SET status = 'SAVED', number = $1, saved_at = $2, version = version + 1, updated_at = $2
                 WHERE id = $3 AND version = $4 AND status = 'PENDING'"
            )
            .bind(number)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale {
                entity: "document",
                id,
                expected: version,
            })
        }
    }

    /// Marks a SAVED document VOID on `date`, if `version` is current.
    pub async fn mark_void(&mut self, id: i64, version: i64, date: &str) -> Result<()> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE documents SET status = 'VOID', void_date = $1, version = version + 1, updated_at = $2
                 WHERE id = $3 AND version = $4 AND status = 'SAVED'"
            )
            .bind(date)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale {
                entity: "document",
                id,
                expected: version,
            })
        }
    }

    /// Marks a line as drop-shipped (its goods will never pass through a site).
    pub async fn set_line_drop_ship(&mut self, line_id: i64) -> Result<()> {
        execute!(
            self,
            sqlx::query("UPDATE document_lines SET drop_ship = TRUE WHERE id = $1").bind(line_id)
        );
        Ok(())
    }

    /// Records how much of a line is allocated.
    pub async fn set_line_allocation(&mut self, line_id: i64, allocated_e4: i64) -> Result<()> {
        execute!(
            self,
            sqlx::query("UPDATE document_lines SET allocated_e4 = $1 WHERE id = $2")
                .bind(allocated_e4)
                .bind(line_id)
        );
        Ok(())
    }

    /// One document with its lines.
    pub async fn document(&mut self, id: i64) -> Result<Option<Document>> {
        let doc = fetch_opt!(
            self,
            sqlx::query(
                "SELECT d.id, d.doc_type, d.status, d.number, p.code AS party, d.doc_date, d.due_date, d.currency, c.minor_units,
                 bc.minor_units AS base_minor_units, d.rate_e6, s.code AS site, ts.code AS to_site, d.reference, d.memo,
                 d.prices_include_tax, d.net_minor, d.tax_minor, d.total_minor, d.base_total_minor, d.closed, d.void_date,
                 d.version, d.created_at, d.updated_at, d.ship_to_json, d.landed_spread, tb.code AS to_bin
                 FROM documents d JOIN currencies c ON c.code = d.currency
                 JOIN company co ON co.id = 1 JOIN currencies bc ON bc.code = co.base_currency
                 LEFT JOIN parties p ON p.id = d.party_id LEFT JOIN sites s ON s.id = d.site_id LEFT JOIN sites ts ON ts.id = d.to_site_id
                 LEFT JOIN bins tb ON tb.id = d.to_bin_id
                 WHERE d.id = $1"
            )
            .bind(id),
            document_from
        );
        let Some(mut doc) = doc else { return Ok(None) };
        self.attach_lines(std::slice::from_mut(&mut doc)).await?;
        Ok(Some(doc))
    }

    async fn attach_lines(&mut self, docs: &mut [Document]) -> Result<()> {
        let (Some(first), Some(last)) = (docs.first().map(|d| d.id), docs.last().map(|d| d.id))
        else {
            return Ok(());
        };
        let lines = fetch_all!(
            self,
            sqlx::query(
                "SELECT l.id, l.document_id, l.line_no, i.code AS item, l.description, s.code AS site, b.code AS bin, l.qty_e4,
                 l.unit_price_e6, l.discount_e4, t.code AS tax_code, l.tax_rate_e4, l.net_minor, l.tax_minor, l.base_net_minor,
                 l.allocated_e4, l.source_line_id, l.drop_ship, c.minor_units, bc.minor_units AS base_minor_units
                 FROM document_lines l JOIN documents d ON d.id = l.document_id JOIN currencies c ON c.code = d.currency
                 JOIN company co ON co.id = 1 JOIN currencies bc ON bc.code = co.base_currency
                 JOIN items i ON i.id = l.item_id LEFT JOIN sites s ON s.id = l.site_id LEFT JOIN bins b ON b.id = l.bin_id
                 LEFT JOIN tax_codes t ON t.id = l.tax_code_id
                 WHERE l.document_id BETWEEN $1 AND $2 ORDER BY l.document_id, l.line_no"
            )
            .bind(first)
            .bind(last),
            line_from
        );
        for (doc_id, _, _, line) in lines {
            if let Ok(pos) = docs.binary_search_by_key(&doc_id, |d| d.id)
                && let Some(d) = docs.get_mut(pos)
            {
                d.lines.push(line);
            }
        }
        Ok(())
    }

    /// Documents by id with filters.
    pub async fn list_documents(&mut self, q: &DocumentQuery) -> Result<Page<Document>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT d.id, d.doc_type, d.status, d.number, p.code AS party, d.doc_date, d.due_date, d.currency, c.minor_units,
                 bc.minor_units AS base_minor_units, d.rate_e6, s.code AS site, ts.code AS to_site, d.reference, d.memo,
                 d.prices_include_tax, d.net_minor, d.tax_minor, d.total_minor, d.base_total_minor, d.closed, d.void_date,
                 d.version, d.created_at, d.updated_at, d.ship_to_json, d.landed_spread, tb.code AS to_bin
                 FROM documents d JOIN currencies c ON c.code = d.currency
                 JOIN company co ON co.id = 1 JOIN currencies bc ON bc.code = co.base_currency
                 LEFT JOIN parties p ON p.id = d.party_id LEFT JOIN sites s ON s.id = d.site_id LEFT JOIN sites ts ON ts.id = d.to_site_id
                 LEFT JOIN bins tb ON tb.id = d.to_bin_id
                 WHERE d.id > $1 AND ($2 IS NULL OR d.doc_type = $2) AND ($3 IS NULL OR d.status = $3)
                 AND ($4 IS NULL OR lower(p.code) = lower($4)) AND ($5 IS NULL OR d.doc_date >= $5) AND ($6 IS NULL OR d.doc_date <= $6)
                 AND ($7 IS NULL OR lower(coalesce(d.number, '')) LIKE $7 ESCAPE '\\' OR lower(d.reference) LIKE $7 ESCAPE '\\' OR lower(d.memo) LIKE $7 ESCAPE '\\')
                 ORDER BY d.id LIMIT $8"
            )
            .bind(q.page.after)
            .bind(&q.doc_type)
            .bind(&q.status)
            .bind(&q.party)
            .bind(&q.from)
            .bind(&q.to)
            .bind(q.page.pattern())
            .bind(q.page.fetch_limit()),
            document_from
        );
        let mut page = page_from_rows(rows, &q.page, |d| d.id);
        self.attach_lines(&mut page.items).await?;
        Ok(page)
    }

    /// How much of each line of documents `first..=last` went into later documents, by type.
    pub async fn converted(&mut self, first: i64, last: i64) -> Result<Vec<Converted>> {
        let direct = fetch_all!(
            self,
            sqlx::query(
                "SELECT c.source_line_id, d.doc_type, CAST(SUM(c.qty_e4) AS BIGINT) AS q
                 FROM document_lines c JOIN documents d ON d.id = c.document_id JOIN document_lines s ON s.id = c.source_line_id
                 WHERE d.status <> 'VOID' AND s.document_id BETWEEN $1 AND $2 GROUP BY c.source_line_id, d.doc_type"
            )
            .bind(first)
            .bind(last),
            converted_from(false)
        );
        let via = fetch_all!(
            self,
            sqlx::query(
                "SELECT c.source_line_id, gd.doc_type, CAST(SUM(g.qty_e4) AS BIGINT) AS q
                 FROM document_lines g JOIN documents gd ON gd.id = g.document_id
                 JOIN document_lines c ON c.id = g.source_line_id JOIN documents cd ON cd.id = c.document_id
                 JOIN document_lines s ON s.id = c.source_line_id
                 WHERE gd.status <> 'VOID' AND cd.status <> 'VOID' AND s.document_id BETWEEN $1 AND $2
                 GROUP BY c.source_line_id, gd.doc_type"
            )
            .bind(first)
            .bind(last),
            converted_from(true)
        );
        Ok(direct.into_iter().chain(via).collect())
    }

    /// Ids, types, numbers and statuses of documents linked to `id`, with `true` when `id` is their source.
    pub async fn related(&mut self, id: i64) -> Result<Vec<(bool, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT TRUE AS outgoing, to_document_id AS other FROM document_links WHERE from_document_id = $1
                 UNION ALL SELECT FALSE AS outgoing, from_document_id AS other FROM document_links WHERE to_document_id = $1"
            )
            .bind(id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.bool("outgoing")?, r.i64("other")?))
        ))
    }

    /// Records that `to` was converted from `from`.
    pub async fn link_documents(&mut self, from: i64, to: i64) -> Result<()> {
        execute!(
            self,
            sqlx::query("INSERT INTO document_links (from_document_id, to_document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(from)
                .bind(to)
        );
        Ok(())
    }

    /// Sets a document's closed flag.
    pub async fn set_closed(&mut self, id: i64, closed: bool) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE documents SET closed = $1, version = version + 1, updated_at = $2 WHERE id = $3").bind(closed).bind(&now).bind(id)
        );
        Ok(())
    }

    /// One stored line by id with its document's id.
    pub async fn line_row(&mut self, line_id: i64) -> Result<Option<(i64, LineRow)>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT document_id, id, item_id, description, site_id, bin_id, qty_e4, unit_price_e6, discount_e4, tax_code_id, tax_rate_e4,
                 net_minor, tax_minor, base_net_minor, unit_cost_e4, allocated_e4, source_line_id, drop_ship FROM document_lines WHERE id = $1"
            )
            .bind(line_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("document_id")?, line_row_from(r)?))
        ))
    }

    /// Value that stock moves of a line carried (base minor units, signed) and their quantity.
    pub async fn line_moved(&mut self, line_id: i64) -> Result<(i64, i64)> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT CAST(COALESCE(SUM(qty_e4), 0) AS BIGINT) AS q, CAST(COALESCE(SUM(value_minor), 0) AS BIGINT) AS v
                 FROM stock_moves WHERE line_id = $1 AND qty_e4 <> 0"
            )
            .bind(line_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("q")?, r.i64("v")?))
        )
        .unwrap_or((0, 0)))
    }

    /// Stores a payment (a document without lines) and marks it saved with its number; returns its id.
    pub async fn insert_payment(
        &mut self,
        d: &DocumentRow,
        bank_account_id: i64,
        number: &str,
    ) -> Result<i64> {
        let id = self.insert_document(d).await?;
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE documents SET status = 'SAVED', number = $1, saved_at = $2, bank_account_id = $3 WHERE id = $4")
                .bind(number)
                .bind(&now)
                .bind(bank_account_id)
                .bind(id)
        );
        Ok(id)
    }

    /// Records an allocation of `source` (a payment or credit) to `item` (an invoice or bill).
    pub async fn insert_allocation(&mut self, a: &AllocationRow) -> Result<i64> {
        let now = self.now.clone();
        fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO allocations (source_id, item_id, amount_minor, source_base_minor, item_base_minor, alloc_date, journal_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
            )
            .bind(a.source_id)
            .bind(a.item_id)
            .bind(a.amount_minor)
            .bind(a.source_base_minor)
            .bind(a.item_base_minor)
            .bind(&a.date)
            .bind(a.journal_id)
            .bind(&now),
            |r: &dyn DbRow| r.i64("id")
        )
        .ok_or_else(|| StoreError::NotFound { entity: "allocation", key: "new".into() })
    }

    /// What has been settled of a document, as item and as source:
    /// `(foreign settled as item, base released as item, foreign used as source, base used as source)`.
    pub async fn settled(&mut self, id: i64) -> Result<(i64, i64, i64, i64)> {
        self.settled_as_of(id, "9999-12-31").await
    }

    /// Totals of a saved document: `(total, base total, bank account id)` in minor units.
    pub async fn document_totals(&mut self, id: i64) -> Result<Option<(i64, i64, Option<i64>)>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT total_minor, base_total_minor, bank_account_id FROM documents WHERE id = $1"
            )
            .bind(id),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.i64("total_minor")?,
                r.i64("base_total_minor")?,
                r.opt_i64("bank_account_id")?
            ))
        ))
    }

    /// Like [`Tx::settled`], counting only allocations dated on or before `as_of`.
    pub async fn settled_as_of(&mut self, id: i64, as_of: &str) -> Result<(i64, i64, i64, i64)> {
        let as_item = fetch_opt!(
            self,
            sqlx::query(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS a, CAST(COALESCE(SUM(item_base_minor), 0) AS BIGINT) AS b
                 FROM allocations WHERE item_id = $1 AND alloc_date <= $2"
            )
            .bind(id)
            .bind(as_of),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("a")?, r.i64("b")?))
        )
        .unwrap_or((0, 0));
        let as_source = fetch_opt!(
            self,
            sqlx::query(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS a, CAST(COALESCE(SUM(source_base_minor), 0) AS BIGINT) AS b
                 FROM allocations WHERE source_id = $1 AND alloc_date <= $2"
            )
            .bind(id)
            .bind(as_of),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("a")?, r.i64("b")?))
        )
        .unwrap_or((0, 0));
        Ok((as_item.0, as_item.1, as_source.0, as_source.1))
    }

    /// Ids of every party of `kind` with a saved invoice, bill, credit or payment dated on or before `as_of`.
    pub async fn parties_with_open_candidates(
        &mut self,
        kind: &str,
        as_of: &str,
    ) -> Result<Vec<i64>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT DISTINCT d.party_id FROM documents d JOIN parties p ON p.id = d.party_id
                 WHERE p.kind = $1 AND d.status = 'SAVED' AND d.doc_date <= $2
                 AND d.doc_type IN ('sales_invoice', 'credit_note', 'bill', 'vendor_credit', 'customer_receipt', 'vendor_payment', 'customer_refund', 'vendor_refund', 'customer_write_off', 'vendor_write_off')
                 ORDER BY d.party_id"
            )
            .bind(kind)
            .bind(as_of),
            |r: &dyn DbRow| r.i64("party_id")
        ))
    }

    /// Saved documents of a party that can hold an open balance, oldest first.
    pub async fn party_open_candidates(&mut self, party_id: i64) -> Result<Vec<i64>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT id FROM documents WHERE party_id = $1 AND status = 'SAVED'
                 AND doc_type IN ('sales_invoice', 'credit_note', 'bill', 'vendor_credit', 'customer_receipt', 'vendor_payment', 'customer_refund', 'vendor_refund', 'customer_write_off', 'vendor_write_off')
                 ORDER BY doc_date, id"
            )
            .bind(party_id),
            |r: &dyn DbRow| r.i64("id")
        ))
    }

    /// Whether a party has any document (its currency is then fixed).
    pub async fn party_has_documents(&mut self, party_id: i64) -> Result<bool> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM documents WHERE party_id = $1 LIMIT 1").bind(party_id),
            |r: &dyn DbRow| r.i64("id")
        )
        .is_some())
    }
}
