//! Static description of every emulated webservice resource: field names in output order, their
//! kind (how values are stored, compared and nulled), foreign-key links, required flags, getter
//! and setter quirks, and the associations each entity renders. Field names are copied from the
//! PrestaShop 8 `$webserviceParameters`/`$definition` of each class (see cart-apis.md §1.4, §1.7).

/// How a field's value is stored, compared and reset by a PUT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Integer (ids, counters); compared numerically, nulled to `0`.
    Int,
    /// `0`/`1` flag; compared numerically, nulled to `0`.
    Bool,
    /// Fixed-scale decimal (`DECIMAL(20,scale)`); compared numerically.
    Dec(u32),
    /// Free text; compared case-insensitively (MySQL `_ci` collation).
    Text,
    /// Instant stored as unix seconds, rendered in shop-local time.
    Date,
    /// Translatable text; one language (id 1) is installed.
    I18n,
}

/// One field of a resource.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// Resource the value points at (`xlink:href`), when it is a foreign key.
    pub link: Option<&'static str>,
    pub required: bool,
    /// Value comes from a getter: rendered `notFilterable="true"`, filtering gives code 34.
    pub getter: bool,
    /// `false` when writing the field is refused with code 93.
    pub setter: bool,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        link: None,
        required: false,
        getter: false,
        setter: true,
    }
}

const fn int(name: &'static str) -> Field {
    f(name, Kind::Int)
}

const fn flag(name: &'static str) -> Field {
    f(name, Kind::Bool)
}

const fn text(name: &'static str) -> Field {
    f(name, Kind::Text)
}

const fn money(name: &'static str) -> Field {
    f(name, Kind::Dec(6))
}

const fn date(name: &'static str) -> Field {
    f(name, Kind::Date)
}

const fn i18n(name: &'static str) -> Field {
    f(name, Kind::I18n)
}

const fn fk(name: &'static str, resource: &'static str) -> Field {
    Field {
        link: Some(resource),
        ..f(name, Kind::Int)
    }
}

impl Field {
    const fn req(self) -> Self {
        Field {
            required: true,
            ..self
        }
    }

    const fn computed(self) -> Self {
        Field {
            getter: true,
            ..self
        }
    }

    const fn read_only(self) -> Self {
        Field {
            setter: false,
            ..self
        }
    }
}

/// A field of an association item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AssocField {
    pub name: &'static str,
    pub link: Option<&'static str>,
}

const fn af(name: &'static str) -> AssocField {
    AssocField { name, link: None }
}

const fn afk(name: &'static str, resource: &'static str) -> AssocField {
    AssocField {
        name,
        link: Some(resource),
    }
}

/// An association rendered under `<associations>`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Assoc {
    pub name: &'static str,
    pub node: &'static str,
    /// `virtualEntity="true"` instead of `api="…"`, and no link on the items.
    pub virtual_entity: bool,
    pub fields: &'static [AssocField],
}

/// One webservice resource.
#[derive(Debug)]
pub(crate) struct Resource {
    pub name: &'static str,
    pub node: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
    pub assocs: &'static [Assoc],
    /// Methods the resource refuses whatever the key (405 code 101).
    pub forbidden: &'static [&'static str],
    /// Write methods this emulator implements (others answer 501).
    pub writes: &'static [&'static str],
}

impl Resource {
    /// The field called `name`, if the resource has it.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The association called `name`, if the resource has it.
    pub fn assoc(&self, name: &str) -> Option<&'static Assoc> {
        self.assocs.iter().find(|a| a.name == name)
    }
}

const PRODUCT_FIELDS: &[Field] = &[
    int("id"),
    fk("id_manufacturer", "manufacturers"),
    fk("id_supplier", "suppliers"),
    fk("id_category_default", "categories"),
    flag("new"),
    int("cache_default_attribute"),
    fk("id_default_image", "images").computed(),
    fk("id_default_combination", "combinations"),
    fk("id_tax_rules_group", "tax_rule_groups"),
    int("position_in_category").computed(),
    text("manufacturer_name").computed().read_only(),
    int("quantity").computed().read_only(),
    text("type").computed(),
    int("id_shop_default"),
    text("reference"),
    text("supplier_reference"),
    text("location"),
    f("width", Kind::Dec(6)),
    f("height", Kind::Dec(6)),
    f("depth", Kind::Dec(6)),
    f("weight", Kind::Dec(6)),
    flag("quantity_discount"),
    text("ean13"),
    text("isbn"),
    text("upc"),
    text("mpn"),
    flag("cache_is_pack"),
    flag("cache_has_attachments"),
    flag("is_virtual"),
    int("state"),
    int("additional_delivery_times"),
    i18n("delivery_in_stock"),
    i18n("delivery_out_stock"),
    text("product_type"),
    flag("on_sale"),
    flag("online_only"),
    money("ecotax"),
    int("minimal_quantity"),
    int("low_stock_threshold"),
    flag("low_stock_alert"),
    money("price").req(),
    money("wholesale_price"),
    text("unity"),
    money("unit_price"),
    f("unit_price_ratio", Kind::Dec(6)),
    money("additional_shipping_cost"),
    int("customizable"),
    int("text_fields"),
    int("uploadable_files"),
    flag("active"),
    text("redirect_type"),
    int("id_type_redirected"),
    flag("available_for_order"),
    text("available_date"),
    flag("show_condition"),
    text("condition"),
    flag("show_price"),
    flag("indexed"),
    text("visibility"),
    flag("advanced_stock_management"),
    date("date_add"),
    date("date_upd"),
    int("pack_stock_type"),
    i18n("meta_description"),
    i18n("meta_keywords"),
    i18n("meta_title"),
    i18n("link_rewrite"),
    i18n("name").req(),
    i18n("description"),
    i18n("description_short"),
    i18n("available_now"),
    i18n("available_later"),
];

const PRODUCT_ASSOCS: &[Assoc] = &[
    Assoc {
        name: "combinations",
        node: "combination",
        virtual_entity: false,
        fields: &[af("id")],
    },
    Assoc {
        name: "stock_availables",
        node: "stock_available",
        virtual_entity: false,
        fields: &[af("id"), af("id_product_attribute")],
    },
];

const COMBINATION_FIELDS: &[Field] = &[
    int("id"),
    fk("id_product", "products").req(),
    text("location"),
    text("ean13"),
    text("isbn"),
    text("upc"),
    text("mpn"),
    text("reference"),
    text("supplier_reference"),
    money("wholesale_price"),
    money("price"),
    money("ecotax"),
    f("weight", Kind::Dec(6)),
    money("unit_price_impact"),
    int("minimal_quantity").req(),
    int("low_stock_threshold"),
    flag("low_stock_alert"),
    flag("default_on"),
    text("available_date"),
    i18n("available_now"),
    i18n("available_later"),
];

const STOCK_FIELDS: &[Field] = &[
    int("id"),
    fk("id_product", "products").req(),
    fk("id_product_attribute", "combinations").req(),
    fk("id_shop", "shops"),
    fk("id_shop_group", "shop_groups"),
    int("quantity").req(),
    flag("depends_on_stock").req(),
    int("out_of_stock").req(),
    text("location"),
];

const CUSTOMER_FIELDS: &[Field] = &[
    int("id"),
    fk("id_default_group", "groups"),
    fk("id_lang", "languages"),
    date("newsletter_date_add"),
    text("ip_registration_newsletter"),
    date("last_passwd_gen"),
    text("secure_key"),
    flag("deleted"),
    text("passwd").req(),
    text("lastname").req(),
    text("firstname").req(),
    text("email").req(),
    int("id_gender"),
    text("birthday"),
    flag("newsletter"),
    flag("optin"),
    text("website"),
    text("company"),
    text("siret"),
    text("ape"),
    money("outstanding_allow_amount"),
    flag("show_public_prices"),
    int("id_risk"),
    int("max_payment_days"),
    flag("active"),
    text("note"),
    flag("is_guest"),
    int("id_shop"),
    int("id_shop_group"),
    date("date_add"),
    date("date_upd"),
    text("reset_password_token"),
    date("reset_password_validity"),
];

const CUSTOMER_ASSOCS: &[Assoc] = &[Assoc {
    name: "groups",
    node: "group",
    virtual_entity: false,
    fields: &[af("id")],
}];

const ADDRESS_FIELDS: &[Field] = &[
    int("id"),
    fk("id_customer", "customers"),
    fk("id_manufacturer", "manufacturers"),
    fk("id_supplier", "suppliers"),
    fk("id_warehouse", "warehouses"),
    fk("id_country", "countries").req(),
    fk("id_state", "states"),
    text("alias").req(),
    text("company"),
    text("lastname").req(),
    text("firstname").req(),
    text("vat_number"),
    text("address1").req(),
    text("address2"),
    text("postcode"),
    text("city").req(),
    text("other"),
    text("phone"),
    text("phone_mobile"),
    text("dni"),
    flag("deleted"),
    date("date_add"),
    date("date_upd"),
];

const ORDER_FIELDS: &[Field] = &[
    int("id"),
    fk("id_address_delivery", "addresses").req(),
    fk("id_address_invoice", "addresses").req(),
    fk("id_cart", "carts").req(),
    fk("id_currency", "currencies").req(),
    fk("id_lang", "languages").req(),
    fk("id_customer", "customers").req(),
    fk("id_carrier", "carriers").req(),
    fk("current_state", "order_states"),
    text("module").req(),
    int("invoice_number"),
    date("invoice_date"),
    int("delivery_number"),
    date("delivery_date"),
    flag("valid"),
    date("date_add"),
    date("date_upd"),
    text("shipping_number"),
    text("note"),
    int("id_shop_group"),
    int("id_shop"),
    text("secure_key"),
    text("payment").req(),
    flag("recyclable"),
    flag("gift"),
    text("gift_message"),
    flag("mobile_theme"),
    money("total_discounts"),
    money("total_discounts_tax_incl"),
    money("total_discounts_tax_excl"),
    money("total_paid").req(),
    money("total_paid_tax_incl"),
    money("total_paid_tax_excl"),
    money("total_paid_real").req(),
    money("total_products").req(),
    money("total_products_wt").req(),
    money("total_shipping"),
    money("total_shipping_tax_incl"),
    money("total_shipping_tax_excl"),
    f("carrier_tax_rate", Kind::Dec(3)),
    money("total_wrapping"),
    money("total_wrapping_tax_incl"),
    money("total_wrapping_tax_excl"),
    int("round_mode"),
    int("round_type"),
    f("conversion_rate", Kind::Dec(6)).req(),
    text("reference"),
];

const ORDER_ASSOCS: &[Assoc] = &[Assoc {
    name: "order_rows",
    node: "order_row",
    virtual_entity: true,
    fields: &[
        af("id"),
        afk("product_id", "products"),
        af("product_attribute_id"),
        af("product_quantity"),
        af("product_name"),
        af("product_reference"),
        af("product_ean13"),
        af("product_isbn"),
        af("product_upc"),
        af("product_price"),
        af("id_customization"),
        af("unit_price_tax_incl"),
        af("unit_price_tax_excl"),
    ],
}];

const ORDER_DETAIL_FIELDS: &[Field] = &[
    int("id"),
    fk("id_order", "orders").req(),
    fk("product_id", "products"),
    fk("product_attribute_id", "combinations"),
    int("product_quantity_reinjected"),
    f("group_reduction", Kind::Dec(2)),
    flag("discount_quantity_applied"),
    text("download_hash"),
    text("download_deadline"),
    fk("id_order_invoice", "order_invoices"),
    fk("id_warehouse", "warehouses").req(),
    fk("id_shop", "shops").req(),
    fk("id_customization", "customizations"),
    text("product_name").req(),
    int("product_quantity").req(),
    int("product_quantity_in_stock"),
    int("product_quantity_return"),
    int("product_quantity_refunded"),
    money("product_price").req(),
    f("reduction_percent", Kind::Dec(2)),
    money("reduction_amount"),
    money("reduction_amount_tax_incl"),
    money("reduction_amount_tax_excl"),
    money("product_quantity_discount"),
    text("product_ean13"),
    text("product_isbn"),
    text("product_upc"),
    text("product_mpn"),
    text("product_reference"),
    text("product_supplier_reference"),
    f("product_weight", Kind::Dec(6)),
    int("tax_computation_method"),
    int("id_tax_rules_group"),
    money("ecotax"),
    f("ecotax_tax_rate", Kind::Dec(3)),
    money("unit_price_tax_incl"),
    money("unit_price_tax_excl"),
    money("total_price_tax_incl"),
    money("total_price_tax_excl"),
    money("total_shipping_price_tax_excl"),
    money("total_shipping_price_tax_incl"),
    money("purchase_supplier_price"),
    money("original_product_price"),
    money("original_wholesale_price"),
    money("total_refunded_tax_excl"),
    money("total_refunded_tax_incl"),
];

const ORDER_STATE_FIELDS: &[Field] = &[
    int("id"),
    flag("unremovable"),
    flag("delivery"),
    flag("hidden"),
    flag("send_email"),
    text("module_name"),
    flag("invoice"),
    text("color"),
    flag("logable"),
    flag("shipped"),
    flag("paid"),
    flag("pdf_delivery"),
    flag("pdf_invoice"),
    flag("deleted"),
    i18n("name").req(),
    i18n("template"),
];

const ORDER_HISTORY_FIELDS: &[Field] = &[
    int("id"),
    fk("id_employee", "employees"),
    fk("id_order_state", "order_states").req(),
    fk("id_order", "orders").req(),
    date("date_add"),
];

const CURRENCY_FIELDS: &[Field] = &[
    int("id"),
    i18n("names").computed(),
    text("name").computed(),
    i18n("symbol").computed(),
    text("iso_code").req(),
    text("numeric_iso_code"),
    int("precision"),
    f("conversion_rate", Kind::Dec(6)).req(),
    flag("deleted"),
    flag("active"),
    flag("unofficial"),
    flag("modified"),
    i18n("pattern").computed(),
];

const COUNTRY_FIELDS: &[Field] = &[
    int("id"),
    fk("id_zone", "zones").req(),
    fk("id_currency", "currencies"),
    int("call_prefix"),
    text("iso_code").req(),
    flag("active"),
    flag("contains_states").req(),
    flag("need_identification_number").req(),
    flag("need_zip_code"),
    text("zip_code_format"),
    flag("display_tax_label").req(),
    i18n("name").req(),
];

const LANGUAGE_FIELDS: &[Field] = &[
    int("id"),
    text("name").req(),
    text("iso_code").req(),
    text("locale"),
    text("language_code"),
    flag("active"),
    flag("is_rtl"),
    text("date_format_lite").req(),
    text("date_format_full").req(),
];

const CONFIGURATION_FIELDS: &[Field] = &[
    int("id"),
    text("value"),
    text("name").req(),
    fk("id_shop_group", "shop_groups"),
    fk("id_shop", "shops"),
    date("date_add"),
    date("date_upd"),
];

/// Every emulated resource, in the alphabetical order PrestaShop lists them (`ksort`).
pub(crate) const RESOURCES: &[Resource] = &[
    Resource {
        name: "addresses",
        node: "address",
        description: "The Customer, Brand and Customer addresses",
        fields: ADDRESS_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &["POST", "PUT", "PATCH"],
    },
    Resource {
        name: "combinations",
        node: "combination",
        description: "The product combinations",
        fields: COMBINATION_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &["POST", "PUT", "PATCH"],
    },
    Resource {
        name: "configurations",
        node: "configuration",
        description: "Shop configuration",
        fields: CONFIGURATION_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "countries",
        node: "country",
        description: "The countries",
        fields: COUNTRY_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "currencies",
        node: "currency",
        description: "The currencies",
        fields: CURRENCY_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "customers",
        node: "customer",
        description: "The e-shop's customers",
        fields: CUSTOMER_FIELDS,
        assocs: CUSTOMER_ASSOCS,
        forbidden: &[],
        writes: &["POST", "PUT", "PATCH"],
    },
    Resource {
        name: "languages",
        node: "language",
        description: "Shop languages",
        fields: LANGUAGE_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "order_details",
        node: "order_detail",
        description: "Details of an order",
        fields: ORDER_DETAIL_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "order_histories",
        node: "order_history",
        description: "The Order histories",
        fields: ORDER_HISTORY_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &["POST"],
    },
    Resource {
        name: "order_states",
        node: "order_state",
        description: "The Order statuses",
        fields: ORDER_STATE_FIELDS,
        assocs: &[],
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "orders",
        node: "order",
        description: "The Customers orders",
        fields: ORDER_FIELDS,
        assocs: ORDER_ASSOCS,
        forbidden: &[],
        writes: &[],
    },
    Resource {
        name: "products",
        node: "product",
        description: "The products",
        fields: PRODUCT_FIELDS,
        assocs: PRODUCT_ASSOCS,
        forbidden: &[],
        writes: &["POST", "PUT", "PATCH"],
    },
    Resource {
        name: "stock_availables",
        node: "stock_available",
        description: "Available quantities",
        fields: STOCK_FIELDS,
        assocs: &[],
        forbidden: &["POST", "DELETE"],
        writes: &["PUT", "PATCH"],
    },
];

/// The resource called `name`.
pub(crate) fn resource(name: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.name == name)
}

/// Every resource name, for "did you mean" hints.
pub(crate) fn resource_names() -> Vec<&'static str> {
    RESOURCES.iter().map(|r| r.name).collect()
}
