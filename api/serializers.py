"""Public representations: published records only, people without consent as «Фамилия И. О.»."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from libraries.models import Library, Locality, Region
from people.models import Person
from seminars.models import Seminar, SeminarLink, Talk, TalkSpeaker, Topic


@extend_schema_field({"type": ["string", "null"], "format": "uri"})
class OptionalURLField(serializers.URLField):
    """A blank address is null, not an empty string."""

    def to_representation(self, value):
        return value or None


class ErrorSerializer(serializers.Serializer):
    """What the API answers with a 404 or 406."""

    detail = serializers.CharField(help_text="Что не так, по-русски.")


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "slug", "name", "code", "kind", "federal_district"]


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "slug", "name", "code"]


class LocalityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Locality
        fields = ["id", "slug", "name", "kind", "region"]


class LibraryRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Library
        fields = ["id", "slug", "name", "full_name"]


# Method fields build these small objects directly: a serializer per object is far slower.
def library_ref(library):
    """A published library as a small object; None for no library or an unpublished one."""
    if library is None or not library.is_published:
        return None
    return {"id": library.pk, "slug": library.slug, "name": library.name, "full_name": str(library)}


def region_ref(region):
    return {"id": region.pk, "slug": region.slug, "name": region.name, "code": region.code}


class LibrarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="__str__", read_only=True)
    region = RegionRefSerializer(allow_null=True)
    locality = LocalityRefSerializer(allow_null=True)
    parent = serializers.SerializerMethodField()
    website = OptionalURLField()

    class Meta:
        model = Library
        fields = [
            "id",
            "slug",
            "name",
            "legal_form",
            "short_name",
            "full_name",
            "parent",
            "region",
            "locality",
            "website",
        ]

    @extend_schema_field(LibraryRefSerializer(allow_null=True))
    def get_parent(self, library):
        return library_ref(library.parent)


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "slug", "name"]


class PersonSerializer(serializers.ModelSerializer):
    """A person who consented to publication (152-ФЗ): the full record."""

    full_name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "slug",
            "last_name",
            "first_name",
            "patronymic",
            "full_name",
            "short_name",
            "bio",
            "photo",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, person):
        if not person.photo:
            return None
        return self.context["request"].build_absolute_uri(person.photo.url)


class SpeakerPersonSerializer(serializers.Serializer):
    """Who spoke; `id` and `slug` are null unless the person consented to publication."""

    id = serializers.IntegerField(allow_null=True)
    slug = serializers.CharField(allow_null=True)
    name = serializers.CharField()

    def to_representation(self, person):
        if person.is_public:
            return {"id": person.pk, "slug": person.slug, "name": person.full_name}
        return {"id": None, "slug": None, "name": person.short_name}


class SpeakerSerializer(serializers.ModelSerializer):
    person = SpeakerPersonSerializer()
    position = serializers.SerializerMethodField()
    library = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()

    class Meta:
        model = TalkSpeaker
        fields = ["order", "person", "position", "library", "region"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_position(self, speaker):
        # A position with a name is personal data: shown only with consent.
        return speaker.position if speaker.person.is_public else None

    @extend_schema_field(LibraryRefSerializer(allow_null=True))
    def get_library(self, speaker):
        return library_ref(speaker.library)

    @extend_schema_field(RegionRefSerializer(allow_null=True))
    def get_region(self, speaker):
        if speaker.library is None or speaker.library.region is None:
            return None
        return region_ref(speaker.library.region)


class SeminarRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seminar
        fields = ["id", "slug", "title", "start_date"]


class TalkSerializer(serializers.ModelSerializer):
    seminar = SeminarRefSerializer()
    speakers = SpeakerSerializer(many=True)
    regions = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True)
    recording_url = OptionalURLField()

    class Meta:
        model = Talk
        fields = [
            "id",
            "seminar",
            "order",
            "title",
            "abstract",
            "recording_url",
            "speakers",
            "regions",
            "topics",
        ]

    @extend_schema_field(RegionRefSerializer(many=True))
    def get_regions(self, talk):
        regions = {
            speaker.library.region.pk: speaker.library.region
            for speaker in talk.speakers.all()
            if speaker.library is not None and speaker.library.region is not None
        }
        return [region_ref(region) for region in sorted(regions.values(), key=lambda r: r.sort_key)]


class SeminarTalkSerializer(TalkSerializer):
    class Meta(TalkSerializer.Meta):
        fields = [name for name in TalkSerializer.Meta.fields if name != "seminar"]


class SeminarLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeminarLink
        fields = ["kind", "title", "url"]


class SeminarSerializer(serializers.ModelSerializer):
    organizer = LibraryRefSerializer()
    regions = RegionRefSerializer(many=True)
    talks_count = serializers.IntegerField()

    class Meta:
        model = Seminar
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "scope",
            "format",
            "start_date",
            "end_date",
            "organizer",
            "regions",
            "participants_count",
            "talks_count",
            "created_at",
            "updated_at",
        ]


class SeminarDetailSerializer(SeminarSerializer):
    localities = LocalityRefSerializer(many=True)
    links = SeminarLinkSerializer(many=True)
    talks = SeminarTalkSerializer(many=True)

    class Meta(SeminarSerializer.Meta):
        fields = [
            *SeminarSerializer.Meta.fields,
            "goal",
            "description",
            "localities",
            "links",
            "talks",
        ]
