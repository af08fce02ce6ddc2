"""The municipalities of Peru, from INEI's register of its departments, provinces and
districts: one for each district, the province's capital district being its provincial
municipality's."""
from sqlalchemy import CheckConstraint, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.text import slug_of

from .base import db, one_of

MUNICIPALITY_KINDS = ("provincial", "distrital")


class Municipality(db.Model):
    """A provincial or district municipality, by the INEI ubigeo of its district (for a
    provincial one, its province's capital district); its capital's point where the
    register has it, else none."""

    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint(one_of("kind", MUNICIPALITY_KINDS), name="kind_known"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="whole_point"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ubigeo: Mapped[str] = mapped_column(String(6), unique=True)
    # Its addresses, /m/<slug>/…: from its name, made unique with its province's and
    # department's.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    province: Mapped[str] = mapped_column(String(120))
    department: Mapped[str] = mapped_column(String(120))
    # Its name, province and department without accents, upper case: what a search matches.
    search_name: Mapped[str] = mapped_column(String(400), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    @property
    def _kind_and_name(self):
        kind = "Provincial" if self.kind == "provincial" else "Distrital"
        return f"Municipalidad {kind} de {self.name}"

    @property
    def _told_apart(self):
        """Its ubigeo, where the register has two districts of one name in one province."""
        twin = self.kind == "distrital" and self.slug not in (
            slug_of(self.name), slug_of(f"{self.name} {self.province}"))
        return f" ({self.ubigeo})" if twin else ""

    @property
    def short_title(self):
        """How a list of municipalities names it: Municipalidad Distrital de Pacocha."""
        return self._kind_and_name + self._told_apart

    @property
    def title(self):
        """How a plan names it, one of its kind in its province: Municipalidad Provincial de
        Ilo - Moquegua, Municipalidad Distrital de Pacocha - Ilo, Moquegua."""
        if self.kind == "provincial":
            return f"{self._kind_and_name} - {self.department}"
        return f"{self._kind_and_name} - {self.province}, {self.department}{self._told_apart}"

    @property
    def province_ubigeo(self):
        return self.ubigeo[:4]

    @property
    def department_ubigeo(self):
        return self.ubigeo[:2]
