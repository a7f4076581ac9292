"""Running code and commands built at run time."""

import ast
import asyncio
import builtins
import commands
import os
import subprocess
import subprocess as sp
from os import popen, system
from subprocess import Popen, check_output


def calculator(expression, namespace, a, b, source):
    result = eval(expression)  # expect: python.eval-exec
    exec(source, namespace)  # expect: python.eval-exec
    total = eval(f"{a} + {b}")  # expect: python.eval-exec
    again = builtins.eval(source)  # expect: python.eval-exec
    exec(compile(source, "<input>", "exec"))  # expect: python.eval-exec
    code = "print(" + a + ")"
    exec(code)  # expect: python.eval-exec
    return result, total, again


def run_tools(path, folder, host, cmd, src, dst, user_args):
    os.system("rm -rf " + path)  # expect: python.shell-injection
    system(f"tar czf backup.tgz {folder}")  # expect: python.shell-injection
    listing = os.popen("ls %s" % folder).read()  # expect: python.shell-injection
    popen(cmd)  # expect: python.shell-injection
    subprocess.run(f"convert {src} {dst}", shell=True)  # expect: python.shell-injection
    subprocess.call("ping -c 1 " + host, shell=True)  # expect: python.shell-injection
    Popen(cmd, shell=True)  # expect: python.shell-injection
    sp.check_output(cmd, shell=True)  # expect: python.shell-injection
    check_output("grep {} /var/log/app.log".format(user_args), shell=True)  # expect: python.shell-injection
    subprocess.check_call(cmd, shell=1)  # expect: python.shell-injection
    subprocess.Popen(args=cmd, shell=True)  # expect: python.shell-injection
    status = subprocess.getoutput("du -sh " + folder)  # expect: python.shell-injection
    commands.getoutput("whois " + host)  # expect: python.shell-injection
    return listing, status


async def run_async(cmd):
    return await asyncio.create_subprocess_shell(cmd)  # expect: python.shell-injection


def safe_execution(text, model, cursor, path, cmd, folder):
    value = ast.literal_eval(text)  # expect: negative
    fixed = eval("1 + 2")  # expect: negative
    model.eval()  # expect: negative
    cursor.exec(text)  # expect: negative
    exec("import sys")  # expect: negative
    subprocess.run(["ls", "-l", path])  # expect: negative
    subprocess.run(cmd, shell=False)  # expect: negative
    subprocess.run(["tar", "czf", "out.tgz", folder], check=True)  # expect: negative
    os.system("clear")  # expect: negative
    subprocess.call("make clean", shell=True)  # expect: negative
    check_output(["git", "rev-parse", "HEAD"])  # expect: negative
    runner = Runner()
    runner.system(cmd)  # expect: negative
    os.path.join(folder, path)  # expect: negative
    return value, fixed


class Runner:
    def system(self, cmd):
        return cmd
