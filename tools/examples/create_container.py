#!/usr/bin/env python3
"""Create a container on Platform from Python, with pika and nothing of MassTransit.

Requests go the RabbitMQ RPC tutorial's way: a MassTransit JSON envelope published to the service's queue, with
the reply_to property naming where the reply should go and correlation_id to match it. See README.md,
"Publishing by hand".

    create_container.py CONTAINER_ID [--direct-reply-to]

Environment:
    PLATFORM_BUS            amqp://USER:PASSWORD@HOST:5672/VHOST (default amqp://guest:guest@127.0.0.1:5672/)
    PLATFORM_QUEUE_PREFIX   the services' queue prefix (Bus:EndpointPrefix), empty by default

Prints the container it created, then asks for a container that does not exist and prints the error's kind.
Replies arrive on a server-named queue (amq.gen-...), or with --direct-reply-to on RabbitMQ's direct reply-to.
"""
import json
import os
import sys
import time
import uuid

import pika

BUS = os.environ.get("PLATFORM_BUS") or "amqp://guest:guest@127.0.0.1:5672/"
PREFIX = os.environ.get("PLATFORM_QUEUE_PREFIX", "")
ERROR_REPLY = "urn:message:platform:ErrorReply"


class PlatformError(Exception):
    """An error reply: kind is one name of a closed set (InvalidArgument, NotFound, AlreadyExists, ...)."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class Platform:
    def __init__(self, url, direct_reply_to=False):
        parameters = pika.URLParameters(url)
        # RabbitMQ checks user_id against the connection's user; the services trust it to say who is asking.
        self.user = parameters.credentials.username
        self.connection = pika.BlockingConnection(parameters)
        self.channel = self.connection.channel()
        if direct_reply_to:
            # No queue at all: the broker hands replies straight to this channel's consumer.
            self.reply_to = "amq.rabbitmq.reply-to"
        else:
            # A server-named, exclusive queue, gone when this connection closes.
            self.reply_to = self.channel.queue_declare(queue="", exclusive=True).method.queue
        self.channel.basic_consume(self.reply_to, self._on_reply, auto_ack=True)
        self.replies = {}

    def _on_reply(self, channel, method, properties, body):
        self.replies[properties.correlation_id] = json.loads(body)

    def request(self, queue, message_urn, message, timeout=10.0):
        """Sends one request and returns the reply's message, or raises PlatformError for an error reply."""
        request_id = str(uuid.uuid4())
        envelope = {
            "messageId": str(uuid.uuid4()),
            "requestId": request_id,
            "messageType": ["urn:message:" + message_urn],
            "message": message,
        }
        self.channel.basic_publish(
            exchange="",  # the default exchange: the routing key is the queue's name
            routing_key=PREFIX + queue,
            properties=pika.BasicProperties(
                content_type="application/vnd.masstransit+json",
                reply_to=self.reply_to,
                correlation_id=request_id,
                user_id=self.user,
            ),
            body=json.dumps(envelope),
        )
        deadline = time.monotonic() + timeout
        while request_id not in self.replies:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply from {PREFIX + queue} within {timeout} s")
            self.connection.process_data_events(time_limit=left)
        reply = self.replies.pop(request_id)
        if ERROR_REPLY in reply["messageType"]:
            raise PlatformError(reply["message"]["kind"], reply["message"]["message"])
        return reply["message"]

    def close(self):
        self.connection.close()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    container_id = args[0] if args else "hello-from-python"
    platform = Platform(BUS, direct_reply_to="--direct-reply-to" in sys.argv)
    try:
        spec = {"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"}, "root": {"path": "rootfs"}}
        created = platform.request("create-container", "platform:containers:CreateContainer", {
            "namespace": "default",
            "id": container_id,
            "labels": {"made-by": "python"},
            "runtime": {"name": "io.containerd.runc.v2"},
            "spec": json.dumps(spec),  # the OCI spec travels as a JSON string, kept verbatim
        })["container"]
        print(f"created container {created['id']} in {created['namespace']} (version {created['version']}, "
              f"labels {json.dumps(created['labels'])})")
        try:
            platform.request("get-container", "platform:containers:GetContainer", {"id": "no-such-container"})
        except PlatformError as error:
            print(f"get-container no-such-container: {error.kind}: {error.message}")
    finally:
        platform.close()


if __name__ == "__main__":
    main()
