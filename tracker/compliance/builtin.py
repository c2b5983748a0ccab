"""The built-in checklist templates, as data, and their loading. Where each rule comes from:
the README, "Compliance checklists".

Item texts are data in both languages, not Babel strings: they follow the regulations, not
the interface, and an event keeps the wording of the version it was checked against.
Article numbers are left empty where we have not verified them against the official text.
"""

from __future__ import annotations

from datetime import datetime

from tracker.compliance.checklist_templates import (
    ItemInput,
    TemplateInput,
    latest_version,
    save_template_version,
)
from tracker.compliance.models import ChecklistTemplate

#: The official legal-documentation portal of the Province of Bali, where the Pergub and SE
#: texts are published.
JDIH_BALI = "https://jdih.baliprov.go.id/"

P97 = "Pergub Bali 97/2018"
SE_SEKDA = "SE Sekda Provinsi Bali 2/2025"
SE_GUB = "SE Gubernur Bali 9/2025"
P47 = "Pergub Bali 47/2019"
GOOD_ID, GOOD_EN = "praktik baik", "good practice"


def _rule(
    text_id: str,
    text_en: str,
    basis: str,
    category: str,
    *,
    required: bool = True,
    photo: bool = False,
    note: bool = True,
    answer_type: str = "yes_no",
    unit: str = "",
) -> ItemInput:
    """An item whose texts end with its basis in brackets, as every built-in item does."""
    return ItemInput(
        text_id=f"{text_id} ({basis})",
        text_en=f"{text_en} ({basis})",
        basis=basis,
        category=category,
        required=required,
        answer_type=answer_type,
        unit=unit,
        photo_on_fail=photo,
        note_on_fail=note,
    )


def _good(text_id: str, text_en: str, category: str, **options: object) -> ItemInput:
    item = _rule(text_id, text_en, GOOD_ID, category, **options)  # type: ignore[arg-type]
    item.text_en = f"{text_en} ({GOOD_EN})"
    item.basis = "Praktik baik / good practice"
    return item


PERGUB_97_2018 = TemplateInput(
    key="pergub-bali-97-2018",
    title="Pembatasan Timbulan Sampah Plastik Sekali Pakai",
    title_en="Limiting single-use plastic waste",
    basis_regulation="Peraturan Gubernur Bali",
    basis_number="97",
    basis_year=2018,
    basis_url=JDIH_BALI,
    items=[
        _rule(
            "Tidak ada kantong plastik yang dibagikan, termasuk untuk seminar kit dan goodie bag",
            "No plastic bags handed out, seminar kits and goodie bags included",
            P97,
            "plastic",
            photo=True,
        ),
        _rule(
            "Tidak ada kotak makanan atau kudapan dari polistirena (styrofoam)",
            "No polystyrene (styrofoam) food or snack boxes",
            P97,
            "plastic",
            photo=True,
        ),
        _rule("Tidak ada sedotan plastik", "No plastic straws", P97, "plastic", photo=True),
        _rule(
            "Tidak disajikan air minum dalam kemasan plastik maupun makanan berkemasan plastik",
            "No bottled water and no plastic-packaged food served",
            SE_SEKDA,
            "water",
            photo=True,
        ),
        _rule(
            "Setiap peserta, termasuk dari luar Pemerintah Provinsi Bali, membawa tumbler sendiri",
            "Every participant, those from outside the provincial government included, brings "
            "their own tumbler",
            f"{SE_SEKDA}; {P97}",
            "water",
        ),
        _rule(
            "Tersedia stasiun isi ulang air minum",
            "A drinking-water refill station is provided",
            SE_SEKDA,
            "water",
            photo=True,
        ),
        _rule(
            "Tidak ada pengadaan air minum kemasan plastik sekali pakai di bawah 1 liter",
            "No single-use bottled water under 1 litre procured",
            SE_GUB,
            "water",
        ),
        _good(
            "Undangan mencantumkan kewajiban membawa tumbler",
            "The invitation states the tumbler rule",
            "communication",
            required=False,
            note=False,
        ),
        _good(
            "Pengingat membawa tumbler dikirim sebelum acara",
            "A reminder to bring a tumbler went out before the event",
            "communication",
            required=False,
            note=False,
        ),
    ],
)

PERGUB_47_2019 = TemplateInput(
    key="pergub-bali-47-2019",
    title="Pengelolaan Sampah Berbasis Sumber",
    title_en="Waste managed at source",
    basis_regulation="Peraturan Gubernur Bali",
    basis_number="47",
    basis_year=2019,
    basis_url=JDIH_BALI,
    items=[
        _rule(
            "Tersedia tempat sampah terpilah untuk sampah organik, anorganik, dan residu",
            "Separate bins for organic, inorganic and residual waste are provided",
            P47,
            "waste",
            photo=True,
        ),
        _rule(
            "Sampah dipilah menurut jenisnya selama dan sesudah kegiatan",
            "Waste is sorted by type during and after the event",
            P47,
            "waste",
            photo=True,
        ),
        _rule(
            "Sampah organik diolah di lokasi atau diserahkan ke TPS3R",
            "Organic waste is processed on site or handed to a TPS3R",
            P47,
            "waste",
        ),
        _rule(
            "Sampah anorganik diserahkan ke bank sampah atau fasilitas pengolahan sampah",
            "Inorganic waste is handed to a waste bank or a waste-processing facility",
            P47,
            "waste",
        ),
        _rule(
            "Hanya sampah residu yang diangkut ke TPA",
            "Only residual waste goes to the landfill (TPA)",
            P47,
            "waste",
        ),
        _good(
            "Sampah ditimbang per jenis dan dicatat di halaman keberlanjutan",
            "Waste is weighed by stream and entered on the sustainability page",
            "waste",
            required=False,
            note=False,
        ),
    ],
)

EVENT_LOGISTICS = TemplateInput(
    key="event-logistics",
    title="Tempat dan Logistik Kegiatan",
    title_en="Venue and logistics",
    basis_regulation="Praktik baik penyelenggaraan kegiatan pemerintah",
    items=[
        _good(
            "Ruangan siap dan bersih sebelum peserta datang",
            "The room is ready and clean before participants arrive",
            "venue",
        ),
        _good(
            "Jumlah kursi cukup untuk peserta yang diharapkan",
            "Enough seats for the expected number of participants",
            "venue",
            answer_type="number",
            unit="kursi",
        ),
        _good(
            "Sound system dan mikrofon berfungsi",
            "Sound system and microphones work",
            "equipment",
        ),
        _good("Proyektor dan layar berfungsi", "Projector and screen work", "equipment"),
        _good(
            "Siaran langsung (livestream) diuji sebelum acara",
            "The livestream is tested before the event",
            "equipment",
            required=False,
        ),
        _good(
            "Catu daya dan stopkontak cukup untuk narasumber dan peserta",
            "Enough power and sockets for speakers and participants",
            "equipment",
        ),
        _good(
            "Tempat dapat diakses pengguna kursi roda (jalur landai, toilet)",
            "The venue is accessible to wheelchair users (ramps, toilets)",
            "accessibility",
        ),
        _good(
            "Meja registrasi dan daftar hadir siap dan dijaga petugas",
            "The attendance desk is set up and staffed",
            "venue",
        ),
        _rule(
            "Konsumsi disajikan tanpa plastik sekali pakai",
            "Food and drink served without single-use plastic",
            P97,
            "consumption",
            photo=True,
        ),
        _good(
            "Dokumentasi foto kegiatan dibuat untuk laporan kegiatan (LPJ)",
            "Photos of the event are taken for the activity report (LPJ)",
            "documentation",
        ),
    ],
)

BUILTIN_TEMPLATES = [PERGUB_97_2018, PERGUB_47_2019, EVENT_LOGISTICS]


def load_builtin_templates(now: datetime) -> list[ChecklistTemplate]:
    """Write version 1 of each built-in template whose key is not there yet; returns those
    written. Idempotent: a key that exists, edited by an admin or not, is left alone."""
    created = []
    for data in BUILTIN_TEMPLATES:
        if latest_version(data.key) is None:
            created.append(save_template_version(data, None, now, builtin=True))
    return created
