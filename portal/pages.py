"""What views answer with."""
from flask import render_template


def form_page(template, form, **context):
    """A page with its form: 200 when first shown, 400 when the form came back with errors
    (the page shows them)."""
    failed = form.errors or form.form_errors
    return render_template(template, form=form, **context), 400 if failed else 200
