"""The mapping dialog: which contract column each header of an unknown export fills."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.ingest.column_mappings import IGNORE
from desktop.ingest.fields import COLUMNS, REQUIRED
from desktop.ingest.header_check import HeaderCheck, suggested_mapping

IGNORE_LABEL = "(not used)"


class MappingDialog(QDialog):
    """One combo per header; saved under a name for this export so it maps itself next time."""

    def __init__(self, check: HeaderCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self.setWindowTitle(f"Map the columns of {check.path.name}")
        intro = QLabel(
            f"Upstream does not recognise every column of {check.path.name}. Say which "
            "column holds what; the required ones are marked *. The mapping is saved "
            f"under the name below and used again for this export. Missing now: "
            f"{', '.join(check.missing)}."
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(check.path.stem)
        form = QFormLayout()
        form.addRow("Save as", self.name)
        self.combos: dict[str, QComboBox] = {}
        suggested = suggested_mapping(check.headers)
        for header in check.headers:
            if header not in suggested:
                continue
            combo = QComboBox()
            combo.addItem(IGNORE_LABEL, IGNORE)
            for column in COLUMNS:
                combo.addItem(f"{column} *" if column in REQUIRED else column, column)
            combo.setCurrentIndex(max(combo.findData(suggested[header]), 0))
            self.combos[header] = combo
            form.addRow(header, combo)
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, str]:
        return {header: str(combo.currentData()) for header, combo in self.combos.items()}

    def set_column(self, header: str, column: str) -> None:
        combo = self.combos[header]
        combo.setCurrentIndex(combo.findData(column))

    def _accept(self) -> None:
        chosen = set(self.mapping().values())
        missing = [c for c in COLUMNS if c in REQUIRED and c not in chosen]
        if not self.name.text().strip():
            self.message.setText("Give the mapping a name (for example the export's name).")
            return
        if missing:
            self.message.setText(f"Still missing: {', '.join(missing)}. Pick a column for each.")
            return
        self.accept()
