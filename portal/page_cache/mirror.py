"""The versions mirrored in the cache server, so that a page from the cache costs one round
trip to it and none to the database.

The database holds the versions (``versions``). Each commit mirrors those it bumped into
one hash in the cache server, never lowering one (``Mirror.raise_to``), and marks them
pending in the database until a renewal (``versions.renew_trust``) has seen them in the
mirror. A request may take the mirror for the database only while the cache server holds
the trust mark, which lapses by itself TRUST_SECONDS after the renewal that set it began.
A renewal mirrors every pending version (every version, when the mirror is not known to be
whole) before it sets the mark.

Never stale: a commit whose mirroring fails (the cache server away from it) answers only
TRUST_SECONDS after that. By then the marks set by renewals begun before its commit have
lapsed, and any renewal begun after it read its versions as pending and mirrored them
before setting its own mark, or could not reach the cache server and set none. So a reader
after that answer reads either the database or a mirror holding the commit's versions.

The mirror is one hash, so that a cache server short of memory drops all of it or none: a
version missing from a hash known to be whole (its WHOLE field) is a part never written,
version 0. Without Redis (a development server's SimpleCache) the mirror is a dict in the
cache, never trusted: pages are then always looked up under the database's versions.
"""
from collections import namedtuple

import redis
from cachelib.redis import RedisCache

from models.cache import READERS, reader_scope
from portal.extensions import cache
from portal.page_cache.readers import (CARD_SECONDS, MARKS_HEAD, SESSION_SECONDS, card_head,
                                       session_key)

# What a look in the mirror finds but versions and a page: no trust, or no Redis.
UNTRUSTED, AWAY = "untrusted", "away"
# The hash of the versions, the field saying it holds every version, and the trust mark.
HASH, WHOLE, TRUSTED = "versions", "*whole*", "versions-trusted"
# How long a renewal's trust lasts, counted from when the renewal began; a commit that
# cannot mirror its versions waits as long before it answers.
TRUST_SECONDS = 2.0
# A renewal under way, so that the requests finding the trust lapsed meanwhile leave it to
# that one.
RENEWING, RENEWING_MILLISECONDS = "versions-renewing", 1000

# Each version raised to the one given, never lowered: two commits mirrored in the other
# order leave the newer.
RAISE = """
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]))
  if current == nil or current < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 1
"""


def _versions_under_trust(whole, first):
    """What both lookups begin with: 0 unless the trust mark (KEYS[2]) is set and the hash
    (KEYS[1]) holds its WHOLE field (ARGV[whole]); then ``joined``, the versions of the
    parts ARGV[first…], a part missing being version 0."""
    return f"""
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HEXISTS', KEYS[1], ARGV[{whole}]) == 0 then
  return 0
end
local versions = {{}}
for i = {first}, #ARGV do
  versions[#versions + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or '0'
end
local joined = table.concat(versions, ',')
"""


# Under the trust mark, the versions of some parts (ARGV[4…]) and the page kept under
# them: its key is ARGV[1] .. versions .. ARGV[2]. 0 when the mirror is not trusted.
LOOKUP = _versions_under_trust(3, 4) + """
return {joined, redis.call('GET', ARGV[1] .. joined .. ARGV[2])}
"""
# The same for a signed-in reader's page (``portal.page_cache.readers``), as far as it is
# found: the versions of the parts (ARGV[10…]); the reader of the session (its key ARGV[3]);
# their version: of their scope (ARGV[8] .. reader) and of every reader's (ARGV[9]); their
# card (ARGV[4] .. version .. ARGV[5]); their marks on the page, where it shows some
# (ARGV[6] .. reader .. ':' .. version .. ':' .. versions .. ARGV[7]); and the page kept
# for their kind and marks (ARGV[1] .. versions .. ':' .. kind .. ':' .. marks).
READER_LOOKUP = _versions_under_trust(2, 10) + """
local reader = redis.call('GET', ARGV[3])
if not reader then
  return {joined}
end
local version = (redis.call('HGET', KEYS[1], ARGV[8] .. reader) or '0') .. '.' ..
                (redis.call('HGET', KEYS[1], ARGV[9]) or '0')
local card = redis.call('GET', ARGV[4] .. version .. ARGV[5])
if not card then
  return {joined, version}
end
local marks = ''
if ARGV[6] ~= '' then
  marks = redis.call('GET', ARGV[6] .. reader .. ':' .. version .. ':' .. joined .. ARGV[7])
  if not marks then
    return {joined, version, card}
  end
end
local kind = string.sub(card, 1, string.find(card, '\\n', 1, true) - 1)
return {joined, version, card, marks,
        redis.call('GET', ARGV[1] .. joined .. ':' .. kind .. ':' .. marks)}
"""
# What a look for a signed-in reader found (``RedisMirror.look_reader``), None for what was
# not, and the tails it looked the card and the marks up with, to keep them under
# (``RedisMirror.keep_reader``).
ReaderLook = namedtuple("ReaderLook", "versions version card marks page tail marks_tail")


class Mirror:
    """The mirror of one app's cache server (``for_app``)."""

    trusted = False  # whether ``look`` may answer

    def __init__(self, backend):
        self.backend = backend

    @classmethod
    def for_app(cls, app):
        backend = app.extensions["cache"][cache]
        if isinstance(backend, RedisCache):
            return RedisMirror(backend, app.config)
        return cls(backend)

    def raise_to(self, versions):
        kept = self.backend.get(HASH) or {}
        kept.update({scope: max(version, kept.get(scope, 0))
                     for scope, version in versions.items()})
        self.backend.set(HASH, kept, timeout=0)

    def read(self, scopes):
        kept = self.backend.get(HASH) or {}
        return [kept.get(scope) for scope in scopes]



class RedisMirror(Mirror):
    trusted = True

    def __init__(self, backend, config):
        super().__init__(backend)
        self.prefix = backend.key_prefix
        self.client = redis.Redis.from_url(config["CACHE_REDIS_URL"],
                                           **(config.get("CACHE_OPTIONS") or {}))
        self.hash = self.prefix + HASH
        self._raise = self.client.register_script(RAISE)
        self._lookup = self.client.register_script(LOOKUP)
        self._reader_lookup = self.client.register_script(READER_LOOKUP)

    def raise_to(self, versions, whole=False):
        """Raise the mirrored versions to ``versions``; ``whole``: they are every version."""
        arguments = [item for pair in sorted(versions.items()) for item in pair]
        for start in range(0, len(arguments), 2000):  # a script's arguments, a chunk at once
            self._raise(keys=[self.hash], args=arguments[start:start + 2000])
        if whole:
            self.client.hset(self.hash, WHOLE, 1)

    def read(self, scopes):
        return [None if version is None else int(version)
                for version in self.client.hmget(self.hash, list(scopes))]

    def look(self, scopes, head, tail):
        """Under trust, the versions of ``scopes`` and the page kept as ``head`` + versions
        + ``tail`` (or None); UNTRUSTED without the trust mark, AWAY when Redis does not
        answer. One round trip."""
        try:
            found = self._lookup(keys=[self.hash, self.prefix + TRUSTED],
                                 args=[self.prefix + head, tail, WHOLE, *scopes])
        except redis.RedisError:
            return AWAY
        if not found:
            return UNTRUSTED
        versions, page = found
        return ([int(version) for version in versions.split(b",")],
                None if page is None else self.backend.serializer.loads(page))

    def look_reader(self, scopes, head, token, tail, marks_tail=None):
        """Under trust, for the reader of the session ``token``, the versions of ``scopes``
        and what is kept of them (``ReaderLook``): their card, read for ``tail``
        (``readers.card_tail``), their marks on the page where it shows some (``marks_tail``,
        after its versions), and their page kept as ``head`` + versions + kind and marks.
        UNTRUSTED or AWAY as ``look``. One round trip."""
        try:
            found = self._reader_lookup(
                keys=[self.hash, self.prefix + TRUSTED],
                args=[self.prefix + head, WHOLE, self.prefix + session_key(token),
                      self.prefix + card_head(token), tail,
                      self.prefix + MARKS_HEAD if marks_tail is not None else "",
                      marks_tail or "", reader_scope(""), READERS, *scopes])
        except redis.RedisError:
            return AWAY
        if not found:
            return UNTRUSTED
        found = [*found, *[None] * (5 - len(found))]
        versions, version, card, marks, page = found
        return ReaderLook([int(v) for v in versions.split(b",")],
                          version and version.decode(), card and card.decode(),
                          None if marks is None else marks.decode(),
                          None if page is None else self.backend.serializer.loads(page),
                          tail, marks_tail)

    def keep_reader(self, token, reader_id, looked, card=None, marks=None):
        """Keep which reader the session ``token`` is and, under the version ``looked``
        found before what they were built from was read, their ``card`` and their
        ``marks`` on the page, where it looked them up (``look_reader``)."""
        with self.client.pipeline(transaction=False) as keeping:
            keeping.set(self.prefix + session_key(token), reader_id, ex=SESSION_SECONDS)
            if card is not None:
                keeping.set(self.prefix + card_head(token) + looked.version + looked.tail,
                            card, ex=CARD_SECONDS)
            if marks is not None:
                joined = ",".join(map(str, looked.versions))
                keeping.set(f"{self.prefix}{MARKS_HEAD}{reader_id}:{looked.version}:{joined}"
                            f"{looked.marks_tail}", marks, ex=CARD_SECONDS)
            keeping.execute()

    def is_whole(self):
        return bool(self.client.hexists(self.hash, WHOLE))

    def begin_renewal(self):
        """The cache server's time in milliseconds, when no other renewal is under way."""
        if not self.client.set(self.prefix + RENEWING, 1, nx=True,
                               px=RENEWING_MILLISECONDS):
            return None
        seconds, microseconds = self.client.time()
        return seconds * 1000 + microseconds // 1000

    def trust(self, began):
        """Trust the mirror until TRUST_SECONDS after the renewal ``began`` (its time)."""
        self.client.set(self.prefix + TRUSTED, 1, pxat=began + int(TRUST_SECONDS * 1000))
        self.client.delete(self.prefix + RENEWING)
