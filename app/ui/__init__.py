"""Qt widgets, wizard pages and item models. Thin: protocol work lives in app.services."""
