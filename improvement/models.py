"""After a low score: performance conversations (绩效面谈), improvement plans (绩效改进计划)
and written warnings (书面警告)."""
