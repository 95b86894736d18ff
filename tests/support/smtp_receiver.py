#!/usr/bin/env python3
"""A real SMTP server for the alerts' tests (Debian's python3-aiosmtpd).

    smtp_receiver.py DIR

Listens on a free loopback port, prints "ready PORT" once it accepts
connections, and writes each message it receives to DIR/NNN.json: the
envelope's recipients, the decoded subject, and the text and HTML parts as
an e-mail client reads them (Python's email package). Stops on SIGTERM.
"""

import email
import email.policy
import json
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, folder):
        self.folder = folder
        # A receiver started again on the same folder goes on numbering.
        self.count = len([f for f in os.listdir(folder) if f.endswith(".json")])

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "content_types": [part.get_content_type() for part in message.walk()],
            "text": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
        }
        path = os.path.join(self.folder, "%03d.json" % self.count)
        with open(path + ".part", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".part", path)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    port = free_port()
    controller = Controller(Save(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready %d" % port, flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
