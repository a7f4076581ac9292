"""TLS verification and listening addresses."""

import socket
import ssl
import urllib.request
from http.server import HTTPServer, SimpleHTTPRequestHandler
from ssl import CERT_NONE

import aiohttp
import httpx
import requests
import urllib3
import uvicorn
from flask import Flask

app = Flask(__name__)


def insecure_clients(url, data, sock, ca_path):
    requests.get(url, verify=False)  # expect: python.tls-verify-disabled
    requests.post(url, json=data, timeout=5, verify=False)  # expect: python.tls-verify-disabled
    session = requests.Session()
    session.put(url, data=data, verify=False)  # expect: python.tls-verify-disabled
    session.verify = False  # expect: python.tls-verify-disabled
    client = httpx.Client(verify=False)  # expect: python.tls-verify-disabled
    httpx.get(url, verify=False)  # expect: python.tls-verify-disabled
    connector = aiohttp.TCPConnector(verify_ssl=False)  # expect: python.tls-verify-disabled
    context = ssl._create_unverified_context()  # expect: python.tls-verify-disabled
    urllib.request.urlopen(url, context=ssl._create_unverified_context())  # expect: python.tls-verify-disabled
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # expect: python.tls-verify-disabled
    ctx.verify_mode = ssl.CERT_NONE  # expect: python.tls-verify-disabled
    other = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    other.verify_mode = CERT_NONE  # expect: python.tls-verify-disabled
    wrapped = ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)  # expect: python.tls-verify-disabled
    ssl._create_default_https_context = ssl._create_unverified_context  # expect: python.tls-verify-disabled
    return client, connector, context, wrapped


def verified_clients(url, ca_path):
    requests.get(url, verify=True)  # expect: negative
    requests.get(url, verify=ca_path)  # expect: negative
    requests.get(url, timeout=10)  # expect: negative
    urllib3.disable_warnings()  # expect: negative
    ctx = ssl.create_default_context(cafile=ca_path)  # expect: negative
    ctx.verify_mode = ssl.CERT_REQUIRED  # expect: negative
    ctx.check_hostname = True  # expect: negative
    return httpx.Client(verify=ca_path)  # expect: negative


def servers(port):
    app.run(host="0.0.0.0", debug=False)  # expect: python.bind-all-interfaces
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("0.0.0.0", port))  # expect: python.bind-all-interfaces
    uvicorn.run("service:app", host="0.0.0.0", port=8000)  # expect: python.bind-all-interfaces
    HTTPServer(("0.0.0.0", 8000), SimpleHTTPRequestHandler).serve_forever()  # expect: python.bind-all-interfaces
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    v6.bind(("::", port))  # expect: python.bind-all-interfaces


def local_servers(port, settings):
    app.run(host="127.0.0.1")  # expect: negative
    s = socket.socket()
    s.bind(("localhost", port))  # expect: negative
    uvicorn.run("service:app", host=settings.HOST)  # expect: negative
    print("Serve on 0.0.0.0 only behind the proxy")  # expect: negative
