"""The walk planning form: fields, and turning them into a walk's settings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .. import geo, inbound, vocab
from ..forms import choices
from ..timefmt import local_zone


def slug(label: str) -> str:
    """A stable category key from a label: 'Hundbajs & skräp' → 'hundbajs_skrap'."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40] or "kategori"


class WalkForm(FlaskForm):
    title = StringField(_l("Namn på vandringen"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Datum och tid"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    meeting_place = StringField(_l("Samlingsplats"), validators=[Optional(), Length(max=200)])
    closing_meeting_at = DateTimeLocalField(_l("Återträff: datum och tid"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closing_meeting_place = StringField(_l("Återträff: plats"), validators=[Optional(), Length(max=200)])
    light = SelectField(_l("Förväntat ljus"), choices=choices({"": "–", **{k: _l(v) for k, v in vocab.LIGHT.items()}}),
                        validators=[Optional()])
    area_mode = SelectField(_l("Område"), choices=choices({"circle": _l("Cirkel runt en punkt"), "polygon": _l("Ritat område")}))
    center_lat = FloatField(_l("Mittpunkt, latitud"), validators=[Optional(), NumberRange(-90, 90)])
    center_lon = FloatField(_l("Mittpunkt, longitud"), validators=[Optional(), NumberRange(-180, 180)])
    radius_m = IntegerField(_l("Radie (meter)"), default=lambda: current_app.config["DEFAULT_RADIUS_M"], validators=[
        Optional(), NumberRange(50, 10_000, message=_l("Radien ska vara mellan 50 och 10 000 meter."))])
    area_geojson = HiddenField()
    stops_json = HiddenField(default="[]")
    categories = SelectMultipleField(_l("Kategorier"), choices=choices({k: _l(v) for k, v in vocab.CATEGORIES.items()}), default=list(vocab.CATEGORIES),
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                     validators=[Optional()])
    extra_categories = TextAreaField(_l("Egna kategorier (en per rad)"), validators=[Optional(), Length(max=2000)])
    co_leaders = SelectMultipleField(_l("Fler vandringsledare"), coerce=int, choices=[], validate_choice=True,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                     validators=[Optional()])
    share_pins = BooleanField(_l("Deltagarna ser varandras punkter"))
    photo_approval = BooleanField(_l("Foton måste godkännas innan planerare ser dem"))
    cluster_eps_m = FloatField(_l("Avstånd för att slå ihop punkter (meter)"), default=lambda: current_app.config["CLUSTER_EPS_M"],
                               validators=[Optional(), NumberRange(5, 200)])
    cluster_min_samples = IntegerField(_l("Minsta antal punkter för en gemensam plats"),
                                       default=lambda: current_app.config["CLUSTER_MIN_SAMPLES"],
                                       validators=[Optional(), NumberRange(1, 20)])

    def validate_area_geojson(self, field):
        if self.area_mode.data != "polygon":
            return
        try:
            geo.parse_area(inbound.loads(field.data or ""))
        except (ValueError, TypeError, KeyError):
            raise ValidationError(_l("Rita området på kartan: klicka minst tre hörn.")) from None

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules that involve several fields."""
        ok = super().validate(extra_validators)
        if self.area_mode.data == "circle" and (self.center_lat.data is None or self.center_lon.data is None):
            self.center_lat.errors = [*self.center_lat.errors, _l("Välj mittpunkten på kartan.")]
            ok = False
        if not self.chosen_categories():
            self.categories.errors = [*self.categories.errors, _l("Välj minst en kategori.")]
            ok = False
        return ok

    def validate_stops_json(self, field):
        try:
            stops = parsed_stops(field.data)
        except ValueError as err:
            raise ValidationError(str(err)) from None
        names = [s["name"] for s in stops]
        if len(names) != len(set(names)):
            raise ValidationError(_l("Två stopp har samma namn."))

    def area(self) -> dict:
        """The area as GeoJSON: the drawn polygon, or a circle around the chosen centre."""
        if self.area_mode.data == "polygon":
            return inbound.loads(self.area_geojson.data)
        return geo.circle_area(self.center_lat.data, self.center_lon.data,
                               self.radius_m.data or current_app.config["DEFAULT_RADIUS_M"])

    def chosen_categories(self) -> list[dict]:
        """Ticked default categories plus the walk's own, each with a unique key."""
        keys = [k for k in vocab.CATEGORIES if k in (self.categories.data or ())]
        chosen = [{"key": k, "label": vocab.CATEGORIES[k]} for k in keys]
        for line in (self.extra_categories.data or "").splitlines():
            label = line.strip()[:60]
            if not label:
                continue
            key, n = slug(label), 2
            base = key
            while key in {c["key"] for c in chosen}:
                key, n = f"{base}_{n}", n + 1
            chosen.append({"key": key, "label": label})
        return chosen

    def starts_at_utc(self) -> dt.datetime | None:
        """The local date and time typed, as naive UTC."""
        return utc_of(self.starts_at.data)

    def closing_meeting_utc(self) -> dt.datetime | None:
        return utc_of(self.closing_meeting_at.data)


def utc_of(local: dt.datetime | None) -> dt.datetime | None:
    """A local date and time typed in a form, as naive UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=local_zone()).astimezone(dt.UTC).replace(tzinfo=None)


def parsed_stops(text: str | None) -> list[dict]:
    """Stops from the form's JSON: [{"name", "lat", "lon"}], names trimmed and required."""
    try:
        raw = inbound.loads(text or "[]")
    except ValueError:
        raise ValueError(_l("Stoppen kunde inte läsas. Lägg till dem igen.")) from None
    if not isinstance(raw, list):
        raise ValueError(_l("Stoppen kunde inte läsas. Lägg till dem igen."))
    stops = []
    for item in raw:
        try:
            name = str(item["name"]).strip()[:200]
            if any(isinstance(item[k], bool) or not isinstance(item[k], (int, float, str)) for k in ("lat", "lon")):
                raise TypeError("not a number")
            lat, lon = float(item["lat"]), float(item["lon"])
        except (KeyError, TypeError, ValueError, OverflowError):
            raise ValueError(_l("Stoppen kunde inte läsas. Lägg till dem igen.")) from None
        if not name:
            raise ValueError(_l("Varje stopp behöver ett namn."))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(_l("Ett stopp ligger utanför kartan."))
        stops.append({"name": name, "lat": round(lat, 6), "lon": round(lon, 6)})
    return stops


def local_input_value(value: dt.datetime | None) -> dt.datetime | None:
    """A UTC database time as the local time a datetime-local field shows."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(local_zone()).replace(tzinfo=None)
