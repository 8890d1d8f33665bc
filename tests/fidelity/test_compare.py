"""The comparison can fail: each kind of difference the fidelity figure counts is detected."""

from __future__ import annotations

from tests.fidelity.compare import differences, parse_body, shape_differences


def _differences(
    real: object, fake: object, *, real_status: int = 200, fake_status: int = 200
) -> list[str]:
    return differences(
        real_status=real_status,
        real_headers={},
        real_body=real,
        fake_status=fake_status,
        fake_headers={},
        fake_body=fake,
    )


def test_identical_shapes_with_different_values_agree() -> None:
    assert (
        _differences(
            {"id": "a", "attributes": {"created": 1}}, {"id": "b", "attributes": {"created": 2}}
        )
        == []
    )


def test_a_different_status_is_a_difference() -> None:
    assert _differences(None, None, real_status=201, fake_status=200) == [
        "status 200, recorded 201"
    ]


def test_a_different_error_code_is_a_difference() -> None:
    real = {"error": {"code": "SecretNotFound", "message": "m"}}
    fake = {"error": {"code": "NotFound", "message": "m"}}

    found = _differences(real, fake, real_status=404, fake_status=404)

    assert found == ["error code 'NotFound', recorded 'SecretNotFound'"]


def test_a_missing_nested_key_and_an_invented_one_are_both_differences() -> None:
    real = {"attributes": {"enabled": True, "recoverableDays": 90}}
    fake = {"attributes": {"enabled": True, "exp": 1}}

    assert shape_differences(real, fake) == [
        "attributes: the fake lacks recoverableDays",
        "attributes: the fake adds exp",
    ]


def test_list_items_are_compared_by_their_united_keys() -> None:
    real = {"value": [{"id": "a"}, {"id": "b", "tags": {}}]}
    fake = {"value": [{"id": "a"}]}

    assert shape_differences(real, fake) == ["value[]: the fake lacks tags"]


def test_an_empty_list_where_the_service_had_items_is_a_difference() -> None:
    assert shape_differences({"value": [{"id": "a"}]}, {"value": []}) == [
        "value: 1 item(s) in the recording, none from the fake"
    ]


def test_tags_are_data_and_compared_by_presence_only() -> None:
    real = {"properties": {"tags": {"_aml_system_x": "1"}, "properties": {"azureml.y": "2"}}}
    fake: dict[str, object] = {"properties": {"tags": {}, "properties": {}}}

    assert shape_differences(real, fake) == []


def test_a_map_of_objects_is_compared_key_by_key() -> None:
    real = {"properties": {"outputs": {"default": {"jobOutputType": "uri_folder"}}}}
    fake: dict[str, object] = {"properties": {"outputs": {}}}

    assert shape_differences(real, fake) == ["properties.outputs: the fake lacks default"]


def test_xml_bodies_are_compared_as_element_trees() -> None:
    real = parse_body(
        "application/xml",
        "\ufeff<Error><Code>InvalidHeaderValue</Code><HeaderName>x</HeaderName></Error>",
    )
    fake = parse_body("application/xml", "<Error><Code>InvalidHeaderValue</Code></Error>")

    found = _differences(real, fake, real_status=400, fake_status=400)

    assert found == ["Error: the fake lacks HeaderName"]


def test_a_body_where_the_service_sent_none_is_a_difference() -> None:
    assert _differences(None, {"error": {}}) == ["body: none in the recording, the fake sends one"]
