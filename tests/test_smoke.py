from tests.conftest import log_in


def test_pages_render_for_organiser(client, users):
    from tracker.db import utcnow
    from tracker.demo import make_demo
    from tracker.extensions import db

    demo = make_demo(utcnow())
    db.session.commit()
    log_in(client, users.organiser)
    for path in [
        "/events",
        f"/events/{demo.event.id}",
        "/events/new",
        f"/events/{demo.event.id}/edit",
        f"/events/{demo.event.id}/participants",
        f"/events/{demo.event.id}/participants/new",
        f"/events/{demo.event.id}/participants/import",
        "/venues",
        "/venues/new",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.data[:2000])
