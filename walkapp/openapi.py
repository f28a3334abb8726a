"""The OpenAPI 3.1 description of the participant API (served at /api/v1/openapi.json).

Tests validate real responses against this document, so it cannot drift from the code.
"""

from __future__ import annotations

from . import vocab


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_PIN_FIELDS = {
    "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "WGS84 latitude."},
    "lon": {"type": "number", "minimum": -180, "maximum": 180, "description": "WGS84 longitude."},
    "accuracy_m": {"type": "number", "minimum": 0, "description": "GPS accuracy in metres; also the slack allowed outside the walk's area (at most 200 m)."},
    "rating": {"type": "integer", "enum": sorted(vocab.RATINGS),
               "description": ", ".join(f"{k} {v}" for k, v in vocab.RATINGS.items()) + "."},
    "categories": {"type": "array", "items": {"type": "string"}, "description": "Category keys of the walk; send the field once per category."},
    "comment": {"type": "string", "maxLength": vocab.COMMENT_MAX},
    "light": {"type": "string", "enum": [*vocab.LIGHT, ""], "description": "Empty: not given (a new pin takes the walk's light)."},
    "taken_at": {"type": "string", "format": "date-time", "description": "When the phone made the pin. A time before the walk opened or in the future is a wrong clock: the pin is kept with the server's receive time and `clock_unreliable`."},
    "stop": {"type": "string", "description": "Instead of lat/lon: the name of one of the walk's stops."},
    "place_description": {"type": "string", "maxLength": vocab.COMMENT_MAX, "description": "Instead of lat/lon: the place in words; the pin is stored at the walk's centre and flagged unplaced."},
}


def _nullable(schema: dict) -> dict:
    """The field may also be null in JSON, which means the same as leaving it out."""
    out = dict(schema, type=[schema["type"], "null"])
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


# Every optional field may be null in JSON: the same as not sending it. The rating is never optional.
_PIN_FIELDS = {name: (schema if name == "rating" else _nullable(schema)) for name, schema in _PIN_FIELDS.items()}
_PHOTO = {"type": "string", "format": "binary", "contentMediaType": "image/*", "description": "JPEG, PNG, WebP or HEIC, at most 25 MB. Every metadata byte is removed; only a processed copy is kept. Multipart only."}
# Where a new pin is: a position, a named stop, or a description in words.
_PLACED = [{"required": ["lat", "lon"]}, {"required": ["stop"]}, {"required": ["place_description"]}]


def openapi_document() -> dict:
    """The whole document."""
    photo = {
        "type": ["object", "null"],
        "required": ["url", "thumb_url", "width", "height"],
        "properties": {
            "url": {"type": "string"},
            "thumb_url": {"type": "string"},
            "width": {"type": "integer", "maximum": 1600},
            "height": {"type": "integer", "maximum": 1600},
        },
        "additionalProperties": False,
    }
    nullable_str = {"type": ["string", "null"]}
    pin = {
        "type": "object",
        "required": ["id", "own", "lat", "lon", "rating", "rating_label", "categories", "light", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "own": {"type": "boolean", "description": "Your own pin; others' pins carry only position, rating, categories and light."},
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "rating": {"type": "integer", "enum": sorted(vocab.RATINGS)},
            "rating_label": {"type": "string"},
            "categories": {"type": "array", "items": {"type": "string"}},
            "light": {"type": ["string", "null"], "enum": [*vocab.LIGHT, None]},
            "created_at": {"type": "string", "format": "date-time"},
            "client_id": {"type": "string"},
            "accuracy_m": {"type": ["number", "null"]},
            "comment": nullable_str,
            "taken_at": {"type": ["string", "null"], "format": "date-time"},
            "clock_unreliable": {"type": "boolean", "description": "The phone's clock was far off; taken_at is when the server received the pin."},
            "updated_at": {"type": "string", "format": "date-time"},
            "unplaced": {"type": "boolean"},
            "stop_name": nullable_str,
            "place_description": nullable_str,
            "hidden": {"type": "boolean", "description": "Hidden by the walk leader."},
            "photo": photo,
            "agreements": {"type": "integer", "minimum": 0, "description": "How many others said \"Jag håller med\" (in the list of pins only)."},
            "agreed": {"oneOf": [{"$ref": "#/components/schemas/Agreement"}, {"type": "null"}],
                       "description": "Your own agreement with this pin (in the list of pins only)."},
        },
        "additionalProperties": False,
    }
    agreement = {
        "type": "object",
        "required": ["id", "client_id", "pin_id", "rating", "comment", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "client_id": {"type": "string"},
            "pin_id": {"type": "integer"},
            "rating": {"type": ["integer", "null"], "enum": [*sorted(vocab.RATINGS), None], "description": "Null: the pin's rating counts."},
            "comment": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
        },
        "additionalProperties": False,
    }
    walk = {
        "type": "object",
        "description": "Before the walk opens (status draft) only code, title, status, starts_at, meeting_place and url: what its poster shows.",
        "required": ["code", "title", "status", "starts_at", "meeting_place", "url"],
        "properties": {
            "code": {"type": "string", "pattern": "^[%s]{%d}$" % (vocab.JOIN_CODE_ALPHABET, vocab.JOIN_CODE_LENGTH)},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": list(vocab.WALK_STATUSES)},
            "starts_at": {"type": ["string", "null"], "format": "date-time"},
            "meeting_place": nullable_str,
            "light": {"type": ["string", "null"], "enum": [*vocab.LIGHT, None]},
            "area": {"type": "object", "description": "GeoJSON Polygon (RFC 7946)."},
            "center": {"type": "object", "required": ["lat", "lon"], "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            "stops": {"type": "array", "items": {"type": "object", "required": ["name", "lat", "lon"], "properties": {"name": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"}}}},
            "categories": {"type": "array", "items": {"type": "object", "required": ["key", "label"], "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}},
            "share_pins": {"type": "boolean"},
            "follow_up": {"type": "boolean", "description": "A follow-up walk: its stops are the earlier walk's places, to check whether it got better."},
            "photo_approval": {"type": "boolean"},
            "joins_closed": {"type": "boolean", "description": "The leader stopped new participants from joining."},
            "url": {"type": "string", "description": "The QR link of the walk."},
        },
        "additionalProperties": False,
    }
    client_id = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$", "description": "A UUID made by the phone: the idempotency key."}
    json_only = "A photo is sent only as a file in multipart/form-data; a `photo` field in JSON is refused (400)."
    new_pin_json = {
        "type": "object",
        "description": json_only,
        "required": ["client_id", "rating"],
        "anyOf": _PLACED,
        "properties": {"client_id": client_id, **_PIN_FIELDS},
    }
    new_pin_form = {**new_pin_json, "description": "", "properties": {**new_pin_json["properties"], "photo": _PHOTO}}
    # When the phone made the pin does not change; the other fields do.
    changeable = {k: v for k, v in _PIN_FIELDS.items() if k != "taken_at"}
    update_json = {"type": "object", "description": json_only, "minProperties": 1,
                   "properties": {**changeable, "remove_photo": {"type": "boolean"}}}
    update_form = {"type": "object", "minProperties": 1, "properties": {**update_json["properties"], "photo": _PHOTO}}
    new_agreement = {"type": "object", "required": ["client_id"],
                     "properties": {"client_id": client_id, "rating": _PIN_FIELDS["rating"] | {"type": ["integer", "null"], "enum": [*sorted(vocab.RATINGS), None]},
                                    "comment": _PIN_FIELDS["comment"]}}
    code_param = {"name": "join_code", "in": "path", "required": True, "schema": {"type": "string"}}
    agreement_param = {"name": "agreement_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    pin_param = {"name": "pin_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    bearer = [{"participantToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trygghetsvandring participant API",
            "version": "1.0.0",
            "description": "Anonymous participants join a safety walk and pin places. Errors have one shape; `message` is Swedish text a person can act on.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"participantToken": {"type": "http", "scheme": "bearer", "description": "The token returned when joining."}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "field"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]}},
                    "additionalProperties": False,
                },
                "Walk": walk,
                "Pin": pin,
                "Agreement": agreement,
                "NewAgreement": new_agreement,
                "Erased": {
                    "type": "object",
                    "required": ["deleted_pins", "deleted_agreements", "kept_pins"],
                    "properties": {name: {"type": "integer", "minimum": 0}
                                   for name in ("deleted_pins", "deleted_agreements", "kept_pins")},
                    "additionalProperties": False,
                },
                "Joined": {
                    "type": "object",
                    "description": "Without `walk` when the request said `Prefer: return=minimal`.",
                    "required": ["token"],
                    "properties": {"token": {"type": "string", "minLength": 32}, "walk": {"$ref": "#/components/schemas/Walk"}},
                    "additionalProperties": False,
                },
                "PinList": {
                    "type": "object",
                    "required": ["pins"],
                    "properties": {"pins": {"type": "array", "items": {"$ref": "#/components/schemas/Pin"}}},
                    "additionalProperties": False,
                },
                "NewPin": new_pin_form,
                "NewPinJson": new_pin_json,
                "PinUpdate": update_form,
                "PinUpdateJson": update_json,
            },
        },
        "paths": {
            "/walks/{join_code}": {
                "get": {
                    "summary": "A walk's public details",
                    "parameters": [code_param],
                    "responses": {"200": _json("Walk", "The walk."), "404": _error("No walk with that code."),
                                  "429": _error("Too many look-ups of codes that don't exist from this address.")},
                }
            },
            "/walks/{join_code}/participants": {
                "post": {
                    "summary": "Join anonymously",
                    "parameters": [code_param, {
                        "name": "Prefer", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "`return=minimal` (RFC 7240): answer with the token only, for a client that "
                                       "already has the walk (the phone's page does). The answer then says "
                                       "`Preference-Applied: return=minimal`."}],
                    "responses": {
                        "201": _json("Joined", "A new anonymous participant; keep the token on the phone."),
                        "404": _error("No walk with that code."),
                        "409": _error("The walk is not open (draft or closed), or the leader stopped new joins."),
                        "429": _error("Too many joins, or look-ups of unknown codes, from this address."),
                    },
                }
            },
            "/walks/{join_code}/pins": {
                "post": {
                    "summary": "Send a pin",
                    "description": "The same client_id again returns 200 with the pin already stored, never a second pin. "
                                   "A pin whose taken_at lies before the walk closed is still taken up to 48 hours after "
                                   "closing (a phone that had no signal), and placed among the walk's locations.",
                    "parameters": [code_param],
                    "security": bearer,
                    "requestBody": {"required": True, "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/NewPin"}},
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewPinJson"}},
                    }},
                    "responses": {
                        "201": _json("Pin", "Stored."),
                        "200": _json("Pin", "Already stored under this client_id (the same fields and photo were sent again)."),
                        "400": _error("A field is missing or wrong; `field` names it. Nothing was stored."),
                        "401": _error("No token, or not a token of this walk."),
                        "403": _error("The leader blocked this participant."),
                        "404": _error("No walk with that code."),
                        "409": _error("The walk is not open; the client_id belongs to another participant (client_id_conflict) or was sent before with other fields (client_id_reused); or the participant has sent the most pins a walk takes (pin_cap_reached)."),
                        "413": _error("The photo is over 25 MB or has too many pixels."),
                        "415": _error("Neither multipart/form-data nor JSON."),
                        "429": _error("Too many pins a minute from this participant or for this walk; send again later."),
                        "503": _error("The server is busy with other photos; send again after Retry-After seconds."),
                    },
                },
                "get": {
                    "summary": "Your pins (and others' when the walk shares them)",
                    "parameters": [code_param],
                    "security": bearer,
                    "responses": {"200": _json("PinList", "Pins, oldest first."), "401": _error("No valid token."), "404": _error("No walk with that code.")},
                },
                "delete": {
                    "summary": "Delete all your pins and agreements in this walk while it is open",
                    "description": "Photos go with their pins. A pin staff marked as a concern (oro – behöver åtgärd) stays "
                                   "and is counted in kept_pins.",
                    "parameters": [code_param],
                    "security": bearer,
                    "responses": {
                        "200": _json("Erased", "What went and what stays."),
                        "401": _error("No token, or not a token of this walk."),
                        "403": _error("The leader blocked this participant."),
                        "404": _error("No walk with that code."),
                        "409": _error("The walk is not open (after closing, the leader can delete)."),
                        "429": _error("Too many requests from this participant; try again later."),
                    },
                },
            },
            "/pins/{pin_id}": {
                "patch": {
                    "summary": "Change your pin while the walk is open",
                    "parameters": [pin_param],
                    "security": bearer,
                    "requestBody": {"required": True, "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/PinUpdate"}},
                        "application/json": {"schema": {"$ref": "#/components/schemas/PinUpdateJson"}},
                    }},
                    "responses": {
                        "200": _json("Pin", "Changed."),
                        "400": _error("A field is wrong, or nothing to change was sent; nothing was changed."),
                        "401": _error("No valid token (checked before the pin is looked up)."),
                        "403": _error("Not your pin, or the leader blocked this participant."),
                        "404": _error("No such pin."),
                        "409": _error("The walk is closed, or a leader has hidden or redacted the pin."),
                        "413": _error("The photo is too large."),
                        "415": _error("Neither multipart/form-data nor JSON."),
                        "429": _error("Too many changes a minute."),
                        "503": _error("The server is busy with other photos; send again after Retry-After seconds."),
                    },
                },
                "delete": {
                    "summary": "Delete your pin while the walk is open",
                    "parameters": [pin_param],
                    "security": bearer,
                    "responses": {
                        "204": {"description": "Deleted, with its photo."},
                        "401": _error("No valid token (checked before the pin is looked up)."),
                        "403": _error("Not your pin, or the leader blocked this participant."),
                        "404": _error("No such pin."),
                        "409": _error("The walk is closed."),
                        "429": _error("Too many changes a minute."),
                    },
                },
            },
            "/walks/{join_code}/pins/{pin_id}/agreements": {
                "post": {
                    "summary": "Jag håller med: agree with another participant's pin",
                    "description": "Only when the walk shares pins between participants. Optionally with your own rating "
                                   "(else the pin's counts) and words, read by a leader before they go public. The same "
                                   "client_id again returns 200 with the agreement already stored. Pins and agreements "
                                   "count together against a participant's cap.",
                    "parameters": [code_param, pin_param],
                    "security": bearer,
                    "requestBody": {"required": True, "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/NewAgreement"}},
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewAgreement"}},
                    }},
                    "responses": {
                        "201": _json("Agreement", "Stored."),
                        "200": _json("Agreement", "Already stored under this client_id."),
                        "400": _error("A field is missing or wrong; nothing was stored."),
                        "401": _error("No token, or not a token of this walk."),
                        "403": _error("The leader blocked this participant."),
                        "404": _error("No walk with that code, or no pin of it the participant can see."),
                        "409": _error("The walk is not open; your own pin (own_pin); you already agree (already_agreed); the client_id belongs to another agreement (client_id_conflict); or the cap is reached (pin_cap_reached)."),
                        "415": _error("Neither multipart/form-data nor JSON."),
                        "429": _error("Too many a minute from this participant or for this walk."),
                    },
                },
            },
            "/agreements/{agreement_id}": {
                "delete": {
                    "summary": "Take your agreement back while the walk is open",
                    "parameters": [agreement_param],
                    "security": bearer,
                    "responses": {
                        "204": {"description": "Taken back."},
                        "401": _error("No valid token (checked before the agreement is looked up)."),
                        "403": _error("Not yours, or the leader blocked this participant."),
                        "404": _error("No such agreement."),
                        "409": _error("The walk is closed."),
                        "429": _error("Too many changes a minute."),
                    },
                },
            },
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
    }
