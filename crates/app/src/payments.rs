//! Customer receipts and vendor payments, allocation of payments and credits to
//! invoices and bills, realised exchange differences, and open items.

use cartwright_core::{
    account::AccountType,
    document::{DocStatus, DocType, record::Document},
    money::{RATE_SCALE, round_half_away, to_scaled},
    party::PartyKind,
    posting::JournalLine,
    settlement::release,
    user::{Access, Resource},
    validate::{date as parse_date, format_date},
};
use cartwright_store::{AllocationRow, DocumentRow, Tx};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, audit, company::no_company, ledger::check_open};

/// Receipt from a customer, payment to a vendor, or a refund of either's credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    /// Money in from a customer.
    Receipt,
    /// Money out to a vendor.
    Payment,
    /// Money paid back to a customer out of their credit (unallocated receipts, credit notes).
    Refund,
    /// Money paid back by a vendor out of our credit with them (unallocated payments, vendor credits).
    VendorRefund,
    /// What a customer owes, written off to an expense (bad debt, a small difference).
    WriteOff,
    /// What we owe a vendor, written off to income.
    VendorWriteOff,
}

/// One allocation asked for: an invoice or bill and how much of it (default: as much as both sides allow).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    /// Id of the invoice or bill.
    pub document: i64,
    /// Amount in the party's currency.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
}

/// Body of `POST /api/v1/payments`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// Receipt or payment.
    pub kind: PaymentKind,
    /// Customer (receipt) or vendor (payment) code.
    pub party: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Amount in the party's currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Bank account code (default: the bank account of the party's currency).
    #[serde(default)]
    pub bank_account: Option<String>,
    /// Base per one unit of the party's currency (default: the rate on the date).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub exchange_rate: Option<Decimal>,
    /// Reference (cheque or transfer number).
    #[serde(default)]
    pub reference: Option<String>,
    /// Memo.
    #[serde(default)]
    pub memo: Option<String>,
    /// Invoices or bills to settle now.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
    /// Settle the oldest open items automatically (ignored when `allocations` are given).
    #[serde(default)]
    pub auto_allocate: Option<bool>,
    /// Write-offs only: the account that takes the amount (default: 7400 Write-offs).
    #[serde(default)]
    pub account: Option<String>,
}

/// Body of `…/allocate`: settle invoices or bills with a payment or credit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateInput {
    /// Date of the allocation (default: the later of the two documents' dates).
    #[serde(default)]
    pub date: Option<String>,
    /// What to settle.
    pub allocations: Vec<AllocationInput>,
}

/// An open item of a party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OpenItem {
    /// Document id.
    pub id: i64,
    /// Type.
    pub doc_type: DocType,
    /// Number.
    pub number: Option<String>,
    /// Date.
    pub date: String,
    /// Due date.
    pub due_date: Option<String>,
    /// Currency.
    pub currency: String,
    /// Total, signed from the party's point of view (invoices and bills positive, payments and credits negative).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// What is still open, in the document's currency, signed like `total`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub residual: Decimal,
    /// What is still open, in base currency, signed like `total`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_residual: Decimal,
}

/// The account a write-off goes to: the one named (not a bank or control account), else
/// 7400 Write-offs, opened on first use.
async fn write_off_account(tx: &mut Tx, code: Option<&str>) -> Result<i64> {
    if let Some(code) = code {
        let a = tx
            .account_by_code(code)
            .await?
            .ok_or_else(|| AppError::invalid("account", format!("unknown account '{code}'")))?;
        if matches!(
            a.account_type,
            AccountType::Bank | AccountType::Receivable | AccountType::Payable
        ) {
            return Err(AppError::invalid(
                "account",
                format!(
                    "account {code} is a bank or control account; write off to an expense or income account"
                ),
            ));
        }
        return Ok(a.id);
    }
    if let Some(id) = tx.role_account("write_off", None).await? {
        return Ok(id);
    }
    Ok(tx
        .insert_account(&cartwright_store::AccountRow {
            code: "7400".into(),
            name: "Write-offs".into(),
            account_type: AccountType::Expense,
            currency: None,
            system_role: Some("write_off".into()),
            active: true,
        })
        .await?
        .id)
}

/// Whether a document settles (payments, credits) or is settled (invoices, bills).
fn is_source(t: DocType) -> bool {
    matches!(
        t,
        DocType::CustomerReceipt
            | DocType::CreditNote
            | DocType::CustomerWriteOff
            | DocType::VendorPayment
            | DocType::VendorCredit
            | DocType::VendorWriteOff
    )
}

/// Whether a document is settled by payments and credits (invoices, bills, refunds).
fn is_item(t: DocType) -> bool {
    matches!(
        t,
        DocType::SalesInvoice | DocType::Bill | DocType::CustomerRefund | DocType::VendorRefund
    )
}

/// `(residual, base residual)` of a saved document, unsigned.
async fn residuals(tx: &mut Tx, id: i64) -> Result<(i64, i64)> {
    let (total, base, _) = tx
        .document_totals(id)
        .await?
        .ok_or_else(|| AppError::not_found("document", id))?;
    let (item_amt, item_base, src_amt, src_base) = tx.settled(id).await?;
    Ok((total - item_amt - src_amt, base - item_base - src_base))
}

async fn load(tx: &mut Tx, id: i64) -> Result<Document> {
    tx.document(id)
        .await?
        .ok_or_else(|| AppError::not_found("document", id))
}

/// Settles `amount` (minor units; `None`: as much as both allow) of `item` with `source` on `date`,
/// posting the realised exchange difference. Returns the amount settled.
async fn allocate_one(
    tx: &mut Tx,
    source: &Document,
    item_id: i64,
    amount: Option<i64>,
    date: &str,
    field: &str,
) -> Result<i64> {
    let item = load(tx, item_id)
        .await
        .map_err(|_| AppError::invalid(field, format!("unknown document {item_id}")))?;
    let receivable = matches!(
        source.doc_type,
        DocType::CustomerReceipt | DocType::CreditNote | DocType::CustomerWriteOff
    );
    let (wanted_item, refund) = if receivable {
        (DocType::SalesInvoice, DocType::CustomerRefund)
    } else {
        (DocType::Bill, DocType::VendorRefund)
    };
    if !(item.doc_type == wanted_item || item.doc_type == refund)
        || item.status != DocStatus::Saved
        || item.party != source.party
    {
        return Err(AppError::invalid(
            field,
            format!(
                "document {} is not a saved {} of {}",
                item.number.as_deref().unwrap_or("?"),
                wanted_item.as_str(),
                source.party.as_deref().unwrap_or("this party")
            ),
        ));
    }
    if item.currency != source.currency {
        return Err(AppError::invalid(
            field,
            format!(
                "{} is in {}, the payment in {}",
                item.number.as_deref().unwrap_or("?"),
                item.currency,
                source.currency
            ),
        ));
    }
    let (item_res, item_base_res) = residuals(tx, item.id).await?;
    let (src_res, src_base_res) = residuals(tx, source.id).await?;
    let most = item_res.min(src_res);
    let amount = amount.unwrap_or(most);
    if amount <= 0 || amount > most {
        return Err(AppError::invalid(
            field,
            format!(
                "{} can settle at most {most} minor units of {} here (item open {item_res}, payment or credit open {src_res})",
                source.number.as_deref().unwrap_or("?"),
                item.number.as_deref().unwrap_or("?")
            ),
        ));
    }
    let item_base = release(item_res, item_base_res, amount);
    let source_base = release(src_res, src_base_res, amount);
    let diff = source_base - item_base;
    let journal_id = if diff == 0 {
        None
    } else {
        let company = tx.company().await?.ok_or_else(no_company)?;
        let control = tx
            .role_account(if receivable { "receivable" } else { "payable" }, None)
            .await?
            .ok_or_else(|| AppError::Conflict("no control account".into()))?;
        let fx = tx
            .role_account("fx_realised", None)
            .await?
            .ok_or_else(|| AppError::Conflict("no realised FX account".into()))?;
        // Receivables: the customer paid more base than the invoice carried → Dr receivable / Cr gain.
        // Payables: we paid more base than the bill carried → Cr payable / Dr loss.
        let control_amount = if receivable { diff } else { -diff };
        let line = |account_id: i64, base_minor: i64| JournalLine {
            account_id,
            base_minor,
            currency: company.base_currency.clone(),
            amount_minor: base_minor,
            rate: Decimal::ONE,
        };
        let lines = vec![line(control, control_amount), line(fx, -control_amount)];
        Some(
            tx.insert_journal(
                Some(source.id),
                date,
                &format!(
                    "exchange difference on {}",
                    item.number.as_deref().unwrap_or("?")
                ),
                None,
                &lines,
            )
            .await?,
        )
    };
    tx.insert_allocation(&AllocationRow {
        source_id: source.id,
        item_id: item.id,
        amount_minor: amount,
        source_base_minor: source_base,
        item_base_minor: item_base,
        date: date.to_owned(),
        journal_id,
    })
    .await?;
    Ok(amount)
}

impl App {
    /// Records a customer receipt or vendor payment (saved at once) and settles what it is allocated to.
    pub async fn create_payment(&self, who: &Principal, input: &PaymentInput) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        // `bank_sign`: +1 when money comes in (Dr bank / Cr control), −1 when it goes out.
        let (doc_type, kind, bank_sign) = match input.kind {
            PaymentKind::Receipt => (DocType::CustomerReceipt, PartyKind::Customer, 1),
            PaymentKind::Payment => (DocType::VendorPayment, PartyKind::Vendor, -1),
            PaymentKind::Refund => (DocType::CustomerRefund, PartyKind::Customer, -1),
            PaymentKind::VendorRefund => (DocType::VendorRefund, PartyKind::Vendor, 1),
            // A write-off takes the place of the bank: Dr expense / Cr receivable, or
            // Dr payable / Cr the account.
            PaymentKind::WriteOff => (DocType::CustomerWriteOff, PartyKind::Customer, 1),
            PaymentKind::VendorWriteOff => (DocType::VendorWriteOff, PartyKind::Vendor, -1),
        };
        let write_off = matches!(
            input.kind,
            PaymentKind::WriteOff | PaymentKind::VendorWriteOff
        );
        if write_off && input.allocations.is_empty() && !input.auto_allocate.unwrap_or(false) {
            return Err(AppError::invalid(
                "allocations",
                "a write-off names the invoices or bills it writes off (or set auto_allocate)",
            ));
        }
        if !write_off && input.account.is_some() {
            return Err(AppError::invalid(
                "account",
                "only a write-off takes an account; receipts, payments and refunds use bank_account",
            ));
        }
        let refund = matches!(input.kind, PaymentKind::Refund | PaymentKind::VendorRefund);
        let date = format_date(parse_date("date", &input.date)?);
        if input.amount <= Decimal::ZERO {
            return Err(AppError::invalid(
                "amount",
                format!("must be greater than zero (got {})", input.amount),
            ));
        }
        let mut tx = self.store.write().await?;
        check_open(&mut tx, "date", &date).await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let party_id = tx.party_id(kind, &input.party).await?.ok_or_else(|| {
            AppError::invalid(
                "party",
                format!("unknown {} '{}'", kind.as_str(), input.party),
            )
        })?;
        let party = tx
            .party(kind, party_id)
            .await?
            .ok_or_else(|| AppError::not_found(kind.as_str(), party_id))?;
        let currency = party.currency.clone();
        let mu = tx.minor_units_of(&currency).await?.unwrap_or(2);
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let amount_minor = to_scaled(input.amount, mu, "amount")?;
        // A write-off is measured at the carrying rate of what it writes off, so the whole
        // carrying amount goes to the account and no exchange difference arises.
        let carrying_rate = match (write_off, input.allocations.first()) {
            (true, Some(a)) if input.exchange_rate.is_none() => Some(
                load(&mut tx, a.document)
                    .await
                    .map_err(|_| {
                        AppError::invalid(
                            "allocations[0].document",
                            format!("unknown document {}", a.document),
                        )
                    })?
                    .exchange_rate,
            ),
            _ => None,
        };
        let rate = if currency == company.base_currency {
            Decimal::ONE
        } else if let Some(r) = carrying_rate {
            r
        } else if write_off && input.exchange_rate.is_none() && input.allocations.is_empty() {
            // Oldest first: the rate of the oldest open item.
            let mut found = None;
            for candidate in tx.party_open_candidates(party_id).await? {
                let d = load(&mut tx, candidate).await?;
                if is_item(d.doc_type) && residuals(&mut tx, candidate).await?.0 > 0 {
                    found = Some(d.exchange_rate);
                    break;
                }
            }
            found
                .ok_or_else(|| AppError::invalid("auto_allocate", "nothing is open to write off"))?
        } else if let Some(r) = input.exchange_rate {
            if r <= Decimal::ZERO {
                return Err(AppError::invalid(
                    "exchange_rate",
                    format!("must be greater than zero (got {r})"),
                ));
            }
            r
        } else {
            tx.rate_on(&currency, &date).await?.map(|r| r.rate).ok_or_else(|| AppError::invalid("exchange_rate", format!("no {currency} rate on or before {date}: record one or give exchange_rate")))?
        };
        let bank = if write_off {
            if input.bank_account.is_some() {
                return Err(AppError::invalid(
                    "bank_account",
                    "a write-off moves no money: give the account it goes to in account",
                ));
            }
            write_off_account(&mut tx, input.account.as_deref()).await?
        } else {
            match input.bank_account.as_deref() {
                Some(code) => {
                    let a = tx.account_by_code(code).await?.ok_or_else(|| {
                        AppError::invalid("bank_account", format!("unknown account '{code}'"))
                    })?;
                    if a.account_type != AccountType::Bank
                        || a.currency.as_deref() != Some(currency.as_str())
                    {
                        return Err(AppError::invalid(
                            "bank_account",
                            format!("account {code} is not a {currency} bank account"),
                        ));
                    }
                    a.id
                }
                None => tx
                    .role_account("bank", Some(&currency))
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid("bank_account", format!("no {currency} bank account"))
                    })?,
            }
        };
        let base_minor = to_scaled(round_half_away(input.amount * rate, bmu), bmu, "amount")?;
        let row = DocumentRow {
            doc_type,
            party_id: Some(party_id),
            date: date.clone(),
            due_date: None,
            currency: currency.clone(),
            rate_e6: to_scaled(rate, RATE_SCALE, "exchange_rate")?,
            site_id: None,
            to_site_id: None,
            reference: input.reference.clone().unwrap_or_default(),
            memo: input.memo.clone().unwrap_or_default(),
            prices_include_tax: false,
            ship_to_json: None,
            landed_spread: "value".to_owned(),
            to_bin_id: None,
            net_minor: amount_minor,
            tax_minor: 0,
            total_minor: amount_minor,
            base_total_minor: base_minor,
            lines: Vec::new(),
        };
        let number = tx.next_number(doc_type).await?;
        let id = tx.insert_payment(&row, bank, &number).await?;
        let control = tx
            .role_account(
                if kind == PartyKind::Customer {
                    "receivable"
                } else {
                    "payable"
                },
                None,
            )
            .await?
            .ok_or_else(|| AppError::Conflict("no control account".into()))?;
        // A receipt: Dr bank / Cr receivable; a payment: Dr payable / Cr bank; a refund the
        // other way round; all at the payment's rate.
        let sign = bank_sign;
        let line = |account_id: i64, s: i64| JournalLine {
            account_id,
            base_minor: s * base_minor,
            currency: currency.clone(),
            amount_minor: s * amount_minor,
            rate,
        };
        tx.insert_journal(
            Some(id),
            &date,
            doc_type.as_str(),
            None,
            &[line(bank, sign), line(control, -sign)],
        )
        .await?;
        let payment = load(&mut tx, id).await?;
        let mut requests: Vec<(i64, Option<i64>, String)> = Vec::new();
        for (i, a) in input.allocations.iter().enumerate() {
            let amount = a
                .amount
                .map(|v| to_scaled(v, mu, &format!("allocations[{i}].amount")))
                .transpose()?;
            requests.push((a.document, amount, format!("allocations[{i}].document")));
        }
        if input.allocations.is_empty() && input.auto_allocate.unwrap_or(false) {
            for candidate in tx.party_open_candidates(party_id).await? {
                let d = load(&mut tx, candidate).await?;
                // A refund is paid out of credits; anything else settles invoices or bills.
                let wanted = if refund {
                    is_source(d.doc_type)
                } else {
                    is_item(d.doc_type)
                };
                if wanted && d.currency == currency && residuals(&mut tx, candidate).await?.0 > 0 {
                    requests.push((candidate, None, "auto_allocate".to_owned()));
                }
            }
        }
        for (item, amount, field) in requests {
            if residuals(&mut tx, id).await?.0 == 0 {
                break;
            }
            let amount = match amount {
                Some(a) => Some(a),
                None => Some(
                    residuals(&mut tx, id)
                        .await?
                        .0
                        .min(residuals(&mut tx, item).await?.0),
                ),
            };
            if refund {
                // The credit named is the source; the refund is what it settles.
                let credit = load(&mut tx, item)
                    .await
                    .map_err(|_| AppError::invalid(&field, format!("unknown document {item}")))?;
                if !is_source(credit.doc_type) {
                    return Err(AppError::invalid(
                        &field,
                        format!(
                            "{} is not a receipt, payment or credit: a refund pays out a credit",
                            credit.number.as_deref().unwrap_or("?")
                        ),
                    ));
                }
                allocate_one(&mut tx, &credit, id, amount, &date, &field).await?;
            } else {
                allocate_one(&mut tx, &payment, item, amount, &date, &field).await?;
            }
        }
        if write_off && residuals(&mut tx, id).await?.0 != 0 {
            // A write-off never leaves a credit behind: it is exactly what it clears.
            return Err(AppError::invalid(
                "amount",
                format!("{} is more than the open items it writes off", input.amount),
            ));
        }
        let payment = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "create",
            None,
            Some(&payment),
        )
        .await?;
        tx.commit().await?;
        Ok(payment)
    }

    /// Settles invoices or bills with a saved payment or credit (note or vendor credit).
    pub async fn allocate_payment(
        &self,
        who: &Principal,
        source_id: i64,
        input: &AllocateInput,
    ) -> Result<Vec<OpenItem>> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let source = load(&mut tx, source_id).await?;
        if !is_source(source.doc_type) || source.status != DocStatus::Saved {
            return Err(AppError::invalid(
                "status",
                "only a saved payment, receipt, credit note or vendor credit can be allocated",
            ));
        }
        for (i, a) in input.allocations.iter().enumerate() {
            let item = load(&mut tx, a.document).await.map_err(|_| {
                AppError::invalid(
                    format!("allocations[{i}].document"),
                    format!("unknown document {}", a.document),
                )
            })?;
            let date = match input.date.as_deref() {
                Some(d) => format_date(parse_date("date", d)?),
                None => source.date.clone().max(item.date.clone()),
            };
            check_open(&mut tx, "date", &date).await?;
            let mu = tx.minor_units_of(&source.currency).await?.unwrap_or(2);
            let amount = a
                .amount
                .map(|v| to_scaled(v, mu, &format!("allocations[{i}].amount")))
                .transpose()?;
            allocate_one(
                &mut tx,
                &source,
                a.document,
                amount,
                &date,
                &format!("allocations[{i}].document"),
            )
            .await?;
        }
        let party = source.party.clone().unwrap_or_default();
        audit(
            &mut tx,
            who,
            "allocations",
            source_id,
            "allocate",
            None,
            Some(&serde_json::json!({"source": source_id, "party": party})),
        )
        .await?;
        let items = open_items_of(&mut tx, &source).await?;
        tx.commit().await?;
        Ok(items)
    }

    /// Open items of a customer or vendor, oldest first.
    pub async fn open_items(
        &self,
        who: &Principal,
        kind: PartyKind,
        code: &str,
    ) -> Result<Vec<OpenItem>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let party_id = tx
            .party_id(kind, code)
            .await?
            .ok_or_else(|| AppError::not_found(kind.as_str(), code))?;
        open_items_for(&mut tx, party_id).await
    }
}

/// Residuals of one customer's or vendor's items at a date, aged by due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgedParty {
    /// Party code.
    pub party: String,
    /// Party name.
    pub name: String,
    /// Party currency.
    pub currency: String,
    /// Not yet due, 1–30, 31–60, 61–90 and over 90 days past due, in the party's currency.
    #[schema(value_type = [String; 5])]
    pub buckets: [String; 5],
    /// Total open in the party's currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// The same buckets in base currency (at the items' carrying amounts).
    #[schema(value_type = [String; 5])]
    pub base_buckets: [String; 5],
    /// Total open in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_total: Decimal,
}

/// Aged receivables or payables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgedReport {
    /// Date, inclusive.
    pub as_of: String,
    /// Bucket names, in order.
    pub buckets: [&'static str; 5],
    /// One row per party with something open.
    pub parties: Vec<AgedParty>,
    /// Total open in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_total: Decimal,
}

impl App {
    /// Aged receivables (`Customer`) or payables (`Vendor`) at `as_of`, by due date.
    pub async fn aged(&self, who: &Principal, kind: PartyKind, as_of: &str) -> Result<AgedReport> {
        who.require(Resource::Documents, Access::Read)?;
        let as_of = format_date(parse_date("as_of", as_of)?);
        let as_of_date = parse_date("as_of", &as_of)?;
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let mut parties = Vec::new();
        let mut grand = 0_i64;
        for party_id in tx
            .parties_with_open_candidates(kind.as_str(), &as_of)
            .await?
        {
            let Some(p) = tx.party(kind, party_id).await? else {
                continue;
            };
            let mu = tx.minor_units_of(&p.currency).await?.unwrap_or(2);
            let (mut buckets, mut base_buckets) = ([0_i64; 5], [0_i64; 5]);
            for id in tx.party_open_candidates(party_id).await? {
                let d = load(&mut tx, id).await?;
                if d.date > as_of {
                    continue;
                }
                let (total, base, _) = tx.document_totals(id).await?.unwrap_or((0, 0, None));
                let (ia, ib, sa, sb) = tx.settled_as_of(id, &as_of).await?;
                let (res, base_res) = (total - ia - sa, base - ib - sb);
                if res == 0 && base_res == 0 {
                    continue;
                }
                let sign = if is_source(d.doc_type) { -1 } else { 1 };
                let due = parse_date("due_date", d.due_date.as_deref().unwrap_or(&d.date))
                    .unwrap_or(as_of_date);
                let overdue = (as_of_date - due).whole_days();
                let bucket = match overdue {
                    i64::MIN..=0 => 0,
                    1..=30 => 1,
                    31..=60 => 2,
                    61..=90 => 3,
                    _ => 4,
                };
                // Payments and credits are not "due": they reduce what is current.
                let bucket = if sign < 0 { 0 } else { bucket };
                buckets[bucket] += sign * res;
                base_buckets[bucket] += sign * base_res;
            }
            let total: i64 = buckets.iter().sum();
            let base_total: i64 = base_buckets.iter().sum();
            if total == 0 && base_total == 0 {
                continue;
            }
            grand += base_total;
            parties.push(AgedParty {
                party: p.code,
                name: p.name,
                currency: p.currency,
                buckets: buckets.map(|b| Decimal::new(b, mu).to_string()),
                total: Decimal::new(total, mu),
                base_buckets: base_buckets.map(|b| Decimal::new(b, bmu).to_string()),
                base_total: Decimal::new(base_total, bmu),
            });
        }
        Ok(AgedReport {
            as_of,
            buckets: ["current", "1-30", "31-60", "61-90", "over 90"],
            parties,
            base_total: Decimal::new(grand, bmu),
        })
    }
}

async fn open_items_of(tx: &mut Tx, doc: &Document) -> Result<Vec<OpenItem>> {
    let kind = doc.doc_type.party_kind().unwrap_or(PartyKind::Customer);
    let party_id = tx
        .party_id(kind, doc.party.as_deref().unwrap_or_default())
        .await?
        .unwrap_or_default();
    open_items_for(tx, party_id).await
}

async fn open_items_for(tx: &mut Tx, party_id: i64) -> Result<Vec<OpenItem>> {
    let company = tx.company().await?.ok_or_else(no_company)?;
    let bmu = tx
        .minor_units_of(&company.base_currency)
        .await?
        .unwrap_or(2);
    let mut out = Vec::new();
    for id in tx.party_open_candidates(party_id).await? {
        let d = load(tx, id).await?;
        let (res, base_res) = residuals(tx, id).await?;
        if res == 0 && base_res == 0 {
            continue;
        }
        let mu = tx.minor_units_of(&d.currency).await?.unwrap_or(2);
        let sign = if is_source(d.doc_type) {
            -Decimal::ONE
        } else {
            Decimal::ONE
        };
        out.push(OpenItem {
            id,
            doc_type: d.doc_type,
            number: d.number.clone(),
            date: d.date.clone(),
            due_date: d.due_date.clone(),
            currency: d.currency.clone(),
            total: d.total * sign,
            residual: Decimal::new(res, mu) * sign,
            base_residual: Decimal::new(base_res, bmu) * sign,
        });
    }
    Ok(out)
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementLine {
    /// Date.
    pub date: String,
    /// Document type.
    pub doc_type: DocType,
    /// Number.
    pub number: Option<String>,
    /// Reference.
    pub reference: String,
    /// Increases what the party owes us (customers) or we owe them (vendors).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub charge: Decimal,
    /// Decreases it.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
    /// Running balance.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub balance: Decimal,
}

/// A customer's or vendor's statement for a period, in their currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Statement {
    /// Party code.
    pub party: String,
    /// Party name.
    pub name: String,
    /// Currency.
    pub currency: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Balance before `from`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub opening: Decimal,
    /// Documents in the period.
    pub lines: Vec<StatementLine>,
    /// Balance at `to`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub closing: Decimal,
}

impl App {
    /// The statement of party `id` (customer or vendor) between two dates; voided documents are left out.
    pub async fn statement(
        &self,
        who: &Principal,
        id: i64,
        from: &str,
        to: &str,
    ) -> Result<Statement> {
        who.require(Resource::Documents, Access::Read)?;
        let (from, to) = (
            format_date(parse_date("from", from)?),
            format_date(parse_date("to", to)?),
        );
        let mut tx = self.store.read().await?;
        let party = match tx.party(PartyKind::Customer, id).await? {
            Some(p) => p,
            None => tx
                .party(PartyKind::Vendor, id)
                .await?
                .ok_or_else(|| AppError::not_found("party", id))?,
        };
        let mu = tx.minor_units_of(&party.currency).await?.unwrap_or(2);
        let zero = Decimal::new(0, mu);
        let mut opening = zero;
        let mut lines = Vec::new();
        let mut balance = zero;
        let mut docs = Vec::new();
        for doc_id in tx.party_open_candidates(id).await? {
            docs.push(load(&mut tx, doc_id).await?);
        }
        for d in docs {
            let amount = if is_source(d.doc_type) {
                -d.total
            } else {
                d.total
            };
            if d.date < from {
                opening += amount;
                continue;
            }
            if d.date > to {
                continue;
            }
            if lines.is_empty() {
                balance = opening;
            }
            balance += amount;
            lines.push(StatementLine {
                date: d.date.clone(),
                doc_type: d.doc_type,
                number: d.number.clone(),
                reference: d.reference.clone(),
                charge: if amount > Decimal::ZERO { amount } else { zero },
                credit: if amount < Decimal::ZERO {
                    -amount
                } else {
                    zero
                },
                balance,
            });
        }
        let closing = lines.last().map_or(opening, |l| l.balance);
        Ok(Statement {
            party: party.code,
            name: party.name,
            currency: party.currency,
            from,
            to,
            opening,
            lines,
            closing,
        })
    }
}
