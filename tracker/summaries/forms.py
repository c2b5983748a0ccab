"""The daftar hadir page's form. tracker.events.officials.set_daftar_hadir_official checks the
truth; these validators only help the person filling it in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from tracker.forms import AppForm


class SignerForm(AppForm):
    """The official who signs the daftar hadir (Mengetahui); all empty: the certificates'."""

    position = StringField(
        _l("Position"),
        validators=[Length(max=200)],
        description=_l("e.g. Pejabat Pembuat Komitmen, Kepala Bidang Informasi Publik"),
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    nip = StringField(_l("NIP"), validators=[Length(max=40)])
