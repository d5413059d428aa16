-- Bills of materials: the components of kits and assemblies.
CREATE TABLE item_components (
    item_id INTEGER NOT NULL REFERENCES items(id),
    component_item_id INTEGER NOT NULL REFERENCES items(id),
    qty_e4 INTEGER NOT NULL CHECK (qty_e4 > 0),
    PRIMARY KEY (item_id, component_item_id)
);
