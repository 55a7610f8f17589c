"""A real SMTP server on loopback for Parley's mail tests (aiosmtpd).

Usage: smtp_capture.py DIR [--refuse-first N]
Prints "PORT <n>" once it accepts connections. Every email it accepts is written to DIR as
<n>.json: the envelope, every header, and the plain-text and HTML parts decoded. With
--refuse-first N it answers the first N emails "451 try again later" and writes them nowhere.
It runs until it is killed.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import socket

from aiosmtpd.controller import Controller


class Capture:
    def __init__(self, directory, refuse_first):
        self.directory = directory
        self.refuse_left = refuse_first
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_left > 0:
            self.refuse_left -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        captured = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[name, str(value)] for name, value in message.items()],
            "text": text.get_content() if text else None,
            "html": html.get_content() if html else None,
            "parts": [part.get_content_type() for part in message.walk()],
        }
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(captured, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--refuse-first", type=int, default=0)
    args = parser.parse_args()
    port = free_port()
    controller = Controller(Capture(args.directory, args.refuse_first), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"PORT {port}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
