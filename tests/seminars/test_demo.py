def test_demo_loads_twelve_talks(demo_seminar):
    assert demo_seminar.talks.count() == 12
