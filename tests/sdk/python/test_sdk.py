"""lark-oapi (the official Python SDK) against the mock: what the SDK surfaces.

Run by tests/sdk/run.sh with LARK_MOCK_URL set to the mock's base URL. The SDK reads
response headers from a plain dict, case-sensitively ("Content-Type", "X-Tt-Logid"), so
these tests also show that the mock sends header names in the platform's case: with
lower-case names the SDK would not even parse the JSON bodies.
"""

import json
import os
import re
import unittest
import urllib.request

import lark_oapi as lark
from lark_oapi.api.contact.v3 import FindByDepartmentUserRequest, GetUserRequest
from lark_oapi.api.im.v1 import GetChatRequest, ListChatRequest
from lark_oapi.core.exception import ObtainAccessTokenException

BASE = os.environ["LARK_MOCK_URL"]
LOG_ID = re.compile(r"^\d{14}[0-9A-F]{18}$")


def stats():
    with urllib.request.urlopen(BASE + "/_mock/stats") as r:
        return json.load(r)


def client(app_id="cli_py", app_secret="py_secret"):
    return (
        lark.Client.builder()
        .app_id(app_id)
        .app_secret(app_secret)
        .domain(BASE)
        .log_level(lark.LogLevel.CRITICAL)
        .build()
    )


def chat(c, chat_id):
    return c.im.v1.chat.get(GetChatRequest.builder().chat_id(chat_id).build())


def call(c, path):
    request = (
        lark.BaseRequest.builder()
        .http_method(lark.HttpMethod.GET)
        .uri(path)
        .token_types({lark.AccessTokenType.TENANT})
        .build()
    )
    return c.request(request)


class PythonSdk(unittest.TestCase):
    # unittest runs the methods in name order: this one first, before any token is cached.
    def test_a_fetches_one_tenant_token_and_calls(self):
        before = stats()["token_fetches"]
        c = client()
        resp = c.im.v1.chat.list(ListChatRequest.builder().build())
        self.assertTrue(resp.success(), resp.msg)
        self.assertEqual(resp.code, 0)
        self.assertRegex(resp.get_log_id(), LOG_ID)
        for _ in range(3):
            self.assertEqual(call(c, "/open-apis/im/v1/chats").code, 0)
        # The SDK caches the token: one fetch for four calls.
        self.assertEqual(stats()["token_fetches"] - before, 1)

    def test_stale_token(self):
        resp = chat(client(), "oc_stale")
        self.assertEqual((resp.raw.status_code, resp.code), (400, 99991663))
        self.assertFalse(resp.success())
        self.assertTrue(resp.msg.startswith("Invalid access token"), resp.msg)
        self.assertRegex(resp.get_log_id(), LOG_ID)
        # The SDK leaves the body's `error` object a plain dict.
        self.assertEqual(resp.get_log_id(), resp.error["log_id"])

    def test_rate_limit(self):
        resp = chat(client(), "oc_limited")
        self.assertEqual((resp.raw.status_code, resp.code), (429, 99991400))
        self.assertEqual(resp.msg, "request trigger frequency limit")
        # The SDK exposes the headers as a plain dict: the exact case is what it finds.
        self.assertEqual(resp.raw.headers.get("X-Ogw-Ratelimit-Limit"), "10")
        self.assertEqual(resp.raw.headers.get("X-Ogw-Ratelimit-Reset"), "3")

    def test_an_apis_own_error_with_its_documented_status(self):
        # The page of "获取部门直属用户列表" documents 40004 with HTTP 403 (the mock's
        # rule in mock.toml names the API; the status comes from its entry).
        resp = client().contact.v3.user.find_by_department(
            FindByDepartmentUserRequest.builder().department_id("od_1").build()
        )
        self.assertEqual((resp.raw.status_code, resp.code), (403, 40004))
        self.assertFalse(resp.success())
        self.assertEqual(resp.msg, "no dept authority error")
        self.assertRegex(resp.get_log_id(), LOG_ID)

    def test_an_undocumented_path_is_the_gateways_404(self):
        resp = call(client(), "/open-apis/sdk/no_such_api")
        self.assertEqual((resp.raw.status_code, resp.code), (404, 99991201))
        self.assertEqual(resp.msg, "resource not find")

    def test_wrong_secret(self):
        with self.assertRaises(ObtainAccessTokenException) as caught:
            call(client("cli_wrong", "not_the_secret"), "/open-apis/im/v1/chats")
        self.assertEqual(caught.exception.code, 10015)
        self.assertIn("10015", str(caught.exception))

    def test_scope_error_with_permission_violations(self):
        resp = client().contact.v3.user.get(GetUserRequest.builder().user_id("ou_1").build())
        self.assertEqual((resp.raw.status_code, resp.code), (400, 99991672))
        self.assertTrue(resp.msg.endswith("[contact:user.base:readonly]"), resp.msg)
        # The SDK leaves the body's `error` object a plain dict.
        violations = resp.error["permission_violations"]
        self.assertEqual([v["subject"] for v in violations], ["contact:user.base:readonly"])
        self.assertEqual(violations[0]["type"], "action_scope_required")
        self.assertIn(resp.get_log_id(), resp.error["troubleshooter"])


if __name__ == "__main__":
    unittest.main()
