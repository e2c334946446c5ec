#!/usr/bin/env python3
"""WeChat protocol vectors from an independent implementation (wechatpy).

    pip install wechatpy cryptography
    python3 tests/wechat_vectors.py                  # rewrites tests/fixtures/wechat/vectors.json
    python3 tests/wechat_vectors.py --verify-reply target/tmp/wechat-replies/*.xml

The first form computes, with wechatpy, the URL signature of a verification request,
messages in 明文, 兼容 and 安全 modes (ciphertext and msg_signature) and one encryption
with a fixed random prefix; tests/wechat.rs feeds them to the service. The vectors are
committed, so `cargo test` needs no Python.

The second form checks replies the service encrypted (tests/wechat.rs writes each one it
receives to target/tmp/wechat-replies/): wechatpy verifies the msg_signature and
decrypts them with the same key, and the decrypted reply is printed.
"""

import argparse
import json
import sys
from pathlib import Path

from wechatpy.crypto import PrpCrypto, WeChatCrypto, _get_signature
from wechatpy.utils import WeChatSigner

TOKEN = "mingbai-test-token"
AES_KEY = "bWluZ2JhaSB0ZXN0IGtleSBmb3IgdmVjdG9ycyAxMjM"  # 43 characters
APP_ID = "wx1234567890abcdef"
OTHER_APP_ID = "wxffffffffffffffff"
ACCOUNT = "gh_mingbai_test"
TIMESTAMP = "1764480000"
FIXED_PREFIX = "1234567890123456"

OUT = Path(__file__).parent / "fixtures" / "wechat" / "vectors.json"


def url_signature(timestamp, nonce):
    signer = WeChatSigner()
    signer.add_data(TOKEN, timestamp, nonce)
    return signer.signature


def message_xml(open_id, create_time, msg_type, fields):
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields)
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{open_id}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{inner}</xml>"
    )


def encrypted(plain, nonce, app_id=APP_ID):
    """The ciphertext and msg_signature of a message, as wechatpy makes them."""
    crypto = WeChatCrypto(TOKEN, AES_KEY, app_id)
    envelope = crypto.encrypt_message(plain, nonce, TIMESTAMP)
    import xmltodict

    xml = xmltodict.parse(envelope)["xml"]
    assert xml["MsgSignature"] == _get_signature(TOKEN, TIMESTAMP, nonce, xml["Encrypt"])
    # wechatpy itself decrypts what it encrypted.
    assert WeChatCrypto(TOKEN, AES_KEY, app_id).decrypt_message(
        {"Encrypt": xml["Encrypt"]}, xml["MsgSignature"], TIMESTAMP, nonce
    ) == plain
    return xml["Encrypt"], xml["MsgSignature"]


def case(name, mode, plain, nonce, app_id=APP_ID):
    query = {
        "signature": url_signature(TIMESTAMP, nonce),
        "timestamp": TIMESTAMP,
        "nonce": nonce,
    }
    if mode == "plain":
        body = plain
    else:
        encrypt, msg_signature = encrypted(plain, nonce, app_id)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = msg_signature
        if mode == "safe":
            body = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            )
        else:  # compat: the plain fields and the ciphertext side by side
            body = plain.replace("</xml>", f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
    return {"name": name, "mode": mode, "query": query, "body": body, "plain": plain}


def vectors():
    danger_user = "o_danger_resident_0001"
    elder_user = "o_elder_resident_0002"
    cases = [
        case("danger_text_safe", "safe",
             message_xml(danger_user, 1764480001, "text",
                         [("Content", "他说今晚要弄死我"), ("MsgId", "7000000000000001")]),
             "100000001"),
        case("elder_support_safe", "safe",
             message_xml(elder_user, 1764480002, "text",
                         [("Content", "俺爹七十多了，几个儿都不管他，咋办？"),
                          ("MsgId", "7000000000000002")]),
             "100000002"),
        case("ebike_compat", "compat",
             message_xml("o_ebike_resident_0003", 1764480003, "text",
                         [("Content", "电动车被偷了咋办"), ("MsgId", "7000000000000003")]),
             "100000003"),
        case("wages_plain", "plain",
             message_xml("o_wages_resident_0004", 1764480004, "text",
                         [("Content", "干了半年活，老板一直拖着工钱不给咋办"),
                          ("MsgId", "7000000000000004")]),
             "100000004"),
        case("voice_safe", "safe",
             message_xml("o_voice_resident_0005", 1764480005, "voice",
                         [("MediaId", "media-1"), ("Format", "amr"),
                          ("Recognition", "邻居家的狗把俺咬了，他不给钱看病"),
                          ("MsgId", "7000000000000005")]),
             "100000005"),
        case("subscribe_safe", "safe",
             message_xml("o_new_resident_0006", 1764480006, "event",
                         [("Event", "subscribe"), ("EventKey", "")]),
             "100000006"),
        case("click_safe", "safe",
             message_xml(elder_user, 1764480007, "event",
                         [("Event", "CLICK"), ("EventKey", "MENU_WAGES")]),
             "100000007"),
        case("image_plain", "plain",
             message_xml("o_image_resident_0008", 1764480008, "image",
                         [("PicUrl", "http://example.invalid/p.jpg"), ("MediaId", "m"),
                          ("MsgId", "7000000000000008")]),
             "100000008"),
        case("unsubscribe_safe", "safe",
             message_xml(danger_user, 1764480009, "event",
                         [("Event", "unsubscribe"), ("EventKey", "")]),
             "100000009"),
        case("other_app_id_safe", "safe",
             message_xml(elder_user, 1764480010, "text",
                         [("Content", "你好"), ("MsgId", "7000000000000010")]),
             "100000010", app_id=OTHER_APP_ID),
    ]

    # One encryption with a fixed random prefix: byte for byte what ours must give.
    class FixedPrefix(PrpCrypto):
        def get_random_string(self):
            return FIXED_PREFIX

    fixed_plain = message_xml(elder_user, 1764480011, "text", [("Content", "固定前缀，逐字节比对")])
    fixed = FixedPrefix(WeChatCrypto(TOKEN, AES_KEY, APP_ID).key).encrypt(fixed_plain, APP_ID)

    return {
        "made_by": "tests/wechat_vectors.py with wechatpy",
        "token": TOKEN,
        "aes_key": AES_KEY,
        "app_id": APP_ID,
        "account": ACCOUNT,
        "verify_url": {
            "signature": url_signature(TIMESTAMP, "200000001"),
            "timestamp": TIMESTAMP,
            "nonce": "200000001",
            "echostr": "8327916551849063981",
        },
        "fixed_prefix": {
            "prefix": FIXED_PREFIX,
            "plain": fixed_plain,
            "encrypt": fixed.decode() if isinstance(fixed, bytes) else fixed,
        },
        "messages": cases,
    }


def verify_reply(path):
    """Checks one encrypted reply of the service with wechatpy; prints its plaintext."""
    import xmltodict

    xml = xmltodict.parse(Path(path).read_text(encoding="utf-8"))["xml"]
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    plain = crypto.decrypt_message(
        {"Encrypt": xml["Encrypt"]}, xml["MsgSignature"], xml["TimeStamp"], xml["Nonce"]
    )
    reply = xmltodict.parse(plain)["xml"]
    assert reply["MsgType"] == "text", reply
    assert len(reply["Content"].encode("utf-8")) <= 2048, "longer than WeChat takes"
    print(f"{path}: signature and AppID verified\n{plain}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify-reply", nargs="+", metavar="FILE",
                        help="encrypted replies of the service to verify and decrypt")
    args = parser.parse_args()
    if args.verify_reply:
        for path in args.verify_reply:
            verify_reply(path)
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(vectors(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
